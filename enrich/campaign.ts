/** Campaign attribution from the page URL: utm parameters and advertising click ids. */
import { LIMITS, type Campaign } from '../contract';

const UTM: [param: string, field: keyof Campaign][] = [
  ['utm_source', 'source'],
  ['utm_medium', 'medium'],
  ['utm_campaign', 'name'],
  ['utm_term', 'term'],
  ['utm_content', 'content'],
];

/** Click-id parameters and the ad network each one belongs to. */
const CLICK_IDS: [param: string, network: string][] = [
  ['gclid', 'Google'],
  ['gbraid', 'Google'],
  ['wbraid', 'Google'],
  ['dclid', 'DoubleClick'],
  ['msclkid', 'Microsoft'],
  ['fbclid', 'Facebook'],
  ['twclid', 'Twitter'],
  ['ttclid', 'TikTok'],
  ['li_fat_id', 'LinkedIn'],
];

/** Campaign fields found in the query string, or undefined when there are none. */
export function campaignOf(query: URLSearchParams): Campaign | undefined {
  const campaign: Campaign = {};
  let found = false;
  for (const [param, field] of UTM) {
    const value = query.get(param);
    if (value) {
      campaign[field] = value.slice(0, LIMITS.short);
      found = true;
    }
  }
  for (const [param, network] of CLICK_IDS) {
    const value = query.get(param);
    if (value) {
      campaign.clickId = value.slice(0, LIMITS.short);
      campaign.clickIdNetwork = network;
      found = true;
      break;
    }
  }
  return found ? campaign : undefined;
}
