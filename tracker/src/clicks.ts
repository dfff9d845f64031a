/**
 * What one click means: a tagged element (`data-track` and its `data-track-*` properties, with
 * product attributes also filling the commerce fields), a download, or an outbound link. Pure
 * over the clicked element, so the rules are read (and changed) in one place.
 */
import type { ClickEvent, EventType } from '../../contract/event';

/** File extensions whose links count as downloads. */
const DOWNLOAD = /\.(pdf|zip|gz|tgz|rar|7z|dmg|exe|msi|pkg|deb|rpm|apk|csv|xlsx?|docx?|pptx?|odt|ods|mp3|mp4|mov|avi|wav|epub)$/i;

/** One event to track. */
export interface ClickCall {
  type: EventType;
  name?: string;
  props: Record<string, unknown>;
  commerce?: ClickEvent['commerce'];
}

/** The events a click on `el` makes, given the tag attribute and the page's address. */
export function clickEvents(el: Element, attr: string, here: { href: string; host: string }): ClickCall[] {
  const out: ClickCall[] = [];
  const tagged = el.closest?.(`[${attr}]`);
  if (tagged) {
    const props: Record<string, string> = {};
    const prefix = `${attr}-`;
    for (const a of tagged.getAttributeNames()) if (a.startsWith(prefix)) props[a.slice(prefix.length)] = tagged.getAttribute(a)!;
    const name = tagged.getAttribute(attr)!;
    const num = (v?: string) => (v && isFinite(+v) ? +v : undefined);
    const commerce = props.product
      ? {
          action: name,
          productId: props.product,
          brand: props.brand,
          category: props.category,
          price: num(props.price),
          quantity: num(props.quantity),
        }
      : undefined;
    out.push({ type: 'click', name, props, commerce });
  }
  const link = el.closest?.('a[href]') as HTMLAnchorElement | null;
  if (!link) return out;
  const url = new URL(link.href, here.href);
  const text = (link.textContent ?? '').trim().slice(0, 100);
  if (link.hasAttribute('download') || DOWNLOAD.test(url.pathname)) {
    out.push({ type: 'download', props: { href: url.href, text, extension: url.pathname.split('.').pop()!.toLowerCase() } });
  } else if (url.host !== here.host && /^https?:$/.test(url.protocol)) {
    out.push({ type: 'linkClick', props: { href: url.href, text } });
  }
  return out;
}
