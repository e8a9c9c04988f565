// Drives the test OP's dev login pages with fetch and a cookie jar (no browser): follows redirects
// from the authorization URL, submits the login (and consent, if shown) forms, and stops at the
// first redirect that leaves the OP — the relying party's callback URL, returned unfetched.

export interface SignInOptions {
  login: string;
  password?: string;
}

export async function signIn(authorizationUrl: string, options: SignInOptions): Promise<string> {
  const opOrigin = new URL(authorizationUrl).origin;
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  let method = 'GET';
  let body: URLSearchParams | undefined;

  for (let hop = 0; hop < 20; hop += 1) {
    const res = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get('location');
    if (location) {
      await res.body?.cancel();
      const next = new URL(location, url);
      if (!isOpUrl(next, opOrigin)) return next.href;
      [url, method, body] = [next.href, 'GET', undefined];
      continue;
    }
    const html = await res.text();
    if (res.status >= 400) throw new Error(`OP answered ${res.status}: ${html.slice(0, 500)}`);
    const form = parseForm(html);
    if (!form) throw new Error(`no form and no redirect at ${url}: ${html.slice(0, 500)}`);
    if (form.fields.has('login') || form.fields.get('prompt') === 'login') {
      form.fields.set('login', options.login);
      form.fields.set('password', options.password ?? 'any-password');
    }
    [url, method, body] = [new URL(form.action, url).href, 'POST', new URLSearchParams([...form.fields])];
  }
  throw new Error('too many redirects while signing in');
}

// The RP callback may share the OP's loopback origin in tests; treat only OP paths as OP.
function isOpUrl(url: URL, opOrigin: string): boolean {
  return url.origin === opOrigin && !url.searchParams.has('code') && !url.searchParams.has('error');
}

function parseForm(html: string): { action: string; fields: Map<string, string> } | undefined {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields = new Map<string, string>();
  for (const input of (form[2] ?? '').matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/i.exec(input[0])?.[1];
    if (name) fields.set(name, /value="([^"]*)"/i.exec(input[0])?.[1] ?? '');
  }
  return { action: decodeEntities(form[1] ?? ''), fields };
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&#x2F;/gi, '/').replace(/&#47;/g, '/').replace(/&quot;/g, '"');
}
