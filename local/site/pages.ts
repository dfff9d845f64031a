/** The demo shop's pages: a few products, a cart with an SPA checkout, an outbound link, a download, a form and a jingle. */

/** A product of the demo shop. */
export interface Product {
  id: string;
  name: string;
  brand: string;
  category: string;
  price: number;
}

export const PRODUCTS: Product[] = [
  { id: 'tea-42', name: 'Green tea', brand: 'Leafy', category: 'tea', price: 12.5 },
  { id: 'tea-7', name: 'Earl Grey', brand: 'Leafy', category: 'tea', price: 9.9 },
  { id: 'coffee-3', name: 'Espresso beans', brand: 'Roastery', category: 'coffee', price: 17 },
  { id: 'mug-1', name: 'Stoneware mug', brand: 'Kiln & Co', category: 'accessories', price: 14 },
];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function shell(title: string, tracker: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} – Example Shop</title>
<link rel="stylesheet" href="/assets/site.css">
<script src="${tracker}" data-collector="" data-ping="10" defer></script>
</head>
<body>
<header><a class="brand" href="/">☕ Example Shop</a><nav><a href="/">Products</a> <a href="/cart" data-spa>Cart</a> <a href="/dashboard">Dashboard</a></nav></header>
<main>${body}</main>
<footer>This shop is the clickstream-stack demo: every click here is an event. Watch them on the <a href="/dashboard">dashboard</a>.</footer>
<noscript><img src="/p.gif?e=pageView" alt="" width="1" height="1"></noscript>
</body>
</html>`;
}

function home(tracker: string): string {
  const cards = PRODUCTS.map(
    (p) => `<li class="card"><a href="/product/${p.id}"><h3>${esc(p.name)}</h3><p>${esc(p.brand)} · €${p.price.toFixed(2)}</p></a></li>`,
  ).join('');
  return shell(
    'Products',
    tracker,
    `<section class="banner" data-track="banner-click" data-track-campaign="winter-sale">Winter sale: 20% off all teas</section>
<ul class="grid">${cards}</ul>
<section class="extras">
  <p><a id="catalogue" href="/downloads/catalogue.pdf">Download our catalogue (PDF)</a></p>
  <p><a id="partner" href="https://partner.example.net/offer">Visit our partner</a></p>
  <p><video id="intro" controls preload="auto" width="320" height="40" src="/media/jingle.wav"></video> Our shop's intro (a sound-only clip: the demo carries no encoded video)</p>
  <form id="newsletter" action="/newsletter" onsubmit="event.preventDefault(); this.querySelector('output').textContent = 'Thanks!';">
    <label>E-mail <input name="email" type="email" required></label>
    <label><input name="consent" type="checkbox" required> Send me offers</label>
    <button type="submit">Subscribe</button> <output></output>
  </form>
</section>
<div style="height:150vh"></div>`,
  );
}

function product(p: Product, tracker: string): string {
  return shell(
    p.name,
    tracker,
    `<article class="product">
  <h1>${esc(p.name)}</h1>
  <p>${esc(p.brand)} · ${esc(p.category)}</p>
  <p class="price">€${p.price.toFixed(2)}</p>
  <button id="add" data-track="addtocart" data-track-product="${p.id}" data-track-brand="${esc(p.brand)}" data-track-category="${p.category}" data-track-price="${p.price}" data-track-quantity="1"
    onclick="const c = JSON.parse(localStorage.getItem('cart') || '[]'); c.push('${p.id}'); localStorage.setItem('cart', JSON.stringify(c)); this.nextElementSibling.textContent = 'Added to cart';">Add to cart</button> <span></span>
</article>`,
  );
}

function cart(tracker: string): string {
  const catalogue = JSON.stringify(PRODUCTS);
  return shell(
    'Cart',
    tracker,
    `<section id="view"></section>
<script>
const products = ${catalogue};
function render() {
  const view = document.getElementById('view');
  const ids = JSON.parse(localStorage.getItem('cart') || '[]');
  const items = ids.map((id) => products.find((p) => p.id === id)).filter(Boolean);
  if (location.pathname === '/checkout') {
    view.innerHTML = '<h1>Checkout</h1><form id="checkout"><label>Name <input name="name" required></label><label>Address <input name="address" required></label><button id="pay" type="submit" data-track="purchase">Pay</button></form><p id="done"></p>';
    document.getElementById('checkout').onsubmit = (e) => { e.preventDefault(); localStorage.removeItem('cart'); document.getElementById('done').textContent = 'Order placed, thank you!'; };
  } else {
    view.innerHTML = '<h1>Your cart</h1><ul>' + items.map((p) => '<li>' + p.name + ' – €' + p.price.toFixed(2) + '</li>').join('') + '</ul>' +
      '<button id="to-checkout">Checkout</button>';
    document.getElementById('to-checkout').onclick = () => { history.pushState({}, '', '/checkout'); render(); };
  }
}
window.addEventListener('popstate', render);
render();
</script>`,
  );
}

/** The HTML for a shop path, or undefined when the path is not a shop page. */
export function renderPage(path: string, tracker: string): string | undefined {
  if (path === '/' || path === '/index.html') return home(tracker);
  if (path === '/cart' || path === '/checkout') return cart(tracker);
  const m = /^\/product\/([\w-]+)$/.exec(path);
  const p = m && PRODUCTS.find((x) => x.id === m[1]);
  return p ? product(p, tracker) : undefined;
}
