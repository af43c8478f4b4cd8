/**
 * The small page a mailed link opens (/account/verify, /account/reset, /account/confirm-email,
 * /account/two-factor).
 * The secret travels in the URL fragment (#token=…), which browsers never send to a server; the
 * script reads it, removes it from the address bar, and calls the same JSON API the desktop app
 * uses. Nothing is spent by opening the page (mail scanners that prefetch links cannot use up a
 * code): only the form's submit does. No inline script (the CSP allows 'self' only); every value
 * is inserted as text, never as HTML.
 */
export type AccountPageKind = 'verify' | 'reset' | 'confirm-email' | 'two-factor';

const TITLES: Record<AccountPageKind, string> = {
  verify: 'Activate your Keyholder account',
  reset: 'Choose a new Keyholder password',
  'confirm-email': 'Confirm your new email address',
  'two-factor': 'Set up two-step sign-in again',
};

export function accountPageHtml(kind: AccountPageKind): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${TITLES[kind]}</title>
<style>
body{font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;background:#f6f6f4;margin:0}
main{max-width:30rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px}
label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;margin-top:.25rem}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}
code{font-size:1.1rem;letter-spacing:.08em;word-break:break-all}
.error{color:#a00000}.ok{color:#0a6b2a}
</style>
</head>
<body data-page="${kind}">
<main>
<h1>${TITLES[kind]}</h1>
<div id="app"><noscript>This page needs JavaScript. You can also type the code from the email in the Keyholder app.</noscript></div>
</main>
<script src="account.js"></script>
</body>
</html>
`;
}

export const ACCOUNT_PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var page = document.body.getAttribute('data-page');
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  history.replaceState(null, '', location.pathname);
  var app = document.getElementById('app');
  var api = new URL('../api/v1/account/', location.href).toString();

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { node.setAttribute(k, props[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }
  function show(nodes) {
    app.textContent = '';
    nodes.forEach(function (n) { app.appendChild(n); });
  }
  function post(path, body) {
    return fetch(api + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'omit',
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        return { ok: r.ok, body: b };
      });
    }, function () { return { ok: false, body: {} }; });
  }
  function errorText(res) {
    var e = res.body && res.body.error;
    if (!e) return 'Something went wrong. Try again later.';
    var details = e.details && e.details.messages ? ' ' + e.details.messages.join(' ') : '';
    return e.message + details;
  }
  function field(label, name, type, extra) {
    var input = el('input', Object.assign({ name: name, type: type, id: name }, extra || {}));
    return { wrap: el('label', { for: name }, [label, input]), input: input };
  }
  function form(fields, submitLabel, onSubmit) {
    var status = el('p', { role: 'status' });
    var button = el('button', { type: 'submit' }, [submitLabel]);
    var f = el('form', {}, fields.map(function (x) { return x.wrap; }).concat([button, status]));
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      button.disabled = true;
      status.textContent = '';
      onSubmit().then(function (message) {
        button.disabled = false;
        if (message) { status.className = 'error'; status.textContent = message; }
      });
    });
    return f;
  }
  function passwordFields(policy) {
    var p = field('New password (at least ' + policy.minLength + ' characters)', 'password', 'password',
      { autocomplete: 'new-password', required: 'required', maxlength: String(policy.maxLength) });
    var c = field('Type it again', 'confirm', 'password', { autocomplete: 'new-password', required: 'required' });
    return [p, c];
  }
  function mismatch(pw) {
    return pw[0].input.value !== pw[1].input.value ? 'The two passwords are not the same.' : null;
  }
  function done(text) { show([el('p', { class: 'ok' }, [text])]); }
  function fail(res) { show([el('p', { class: 'error' }, [errorText(res)])]); }

  if (!token) {
    show([el('p', { class: 'error' }, ['This link is incomplete. Open it again from the email, or type the code from the email in the Keyholder app.'])]);
    return;
  }

  if (page === 'verify') {
    post('verification/start', { token: token }).then(function (res) {
      if (!res.ok) return fail(res);
      var s = res.body;
      var pw = passwordFields(s.password);
      var code = field(s.totpRequired ? 'Code from your authenticator app' : 'Code from your authenticator app (optional)',
        'totp', 'text', Object.assign({ inputmode: 'numeric', autocomplete: 'one-time-code' }, s.totpRequired ? { required: 'required' } : {}));
      // For password managers: the account the new password belongs to.
      var user = { wrap: el('input', { type: 'text', name: 'username', autocomplete: 'username', value: s.username, readonly: 'readonly', hidden: 'hidden' }) };
      show([
        el('p', {}, ['Hello ' + s.displayName + '. Your username on the store PCs is ', el('strong', {}, [s.username]), '.']),
        el('p', {}, ['Add this key to your authenticator app, ', el('a', { href: s.totp.otpauthUri }, ['or open it on your phone']), ':']),
        el('p', {}, [el('code', {}, [s.totp.manualKey])]),
        form([user].concat(pw, [code]), 'Activate my account', function () {
          var m = mismatch(pw);
          if (m) return Promise.resolve(m);
          var body = { token: token, password: pw[0].input.value };
          if (code.input.value) body.totpCode = code.input.value;
          return post('verification/complete', body).then(function (r) {
            if (!r.ok) return errorText(r);
            done('Your account is active. Sign in with your username ' + r.body.username + '.');
          });
        })
      ]);
    });
  } else if (page === 'reset') {
    post('password-reset/check', { token: token }).then(function (res) {
      if (!res.ok) return fail(res);
      var pw = passwordFields(res.body.password);
      var fields = pw.slice();
      var code = null;
      if (res.body.totpRequired) {
        code = field('Code from your authenticator app', 'totp', 'text', { inputmode: 'numeric', autocomplete: 'one-time-code', required: 'required' });
        fields.push(code);
      }
      show([form(fields, 'Change my password', function () {
        var m = mismatch(pw);
        if (m) return Promise.resolve(m);
        var body = { token: token, newPassword: pw[0].input.value };
        if (code) body.totpCode = code.input.value;
        return post('password-reset/complete', body).then(function (r) {
          if (!r.ok) return errorText(r);
          done('Your password was changed and every session was signed out. Sign in again with your new password and your authentication code.');
        });
      })]);
    });
  } else if (page === 'two-factor') {
    post('two-factor/start', { token: token }).then(function (res) {
      if (!res.ok) return fail(res);
      var s = res.body;
      var pw = field('Your current password (it does not change)', 'password', 'password',
        { autocomplete: 'current-password', required: 'required' });
      var code = field('Code from your authenticator app', 'totp', 'text',
        { inputmode: 'numeric', autocomplete: 'one-time-code', required: 'required' });
      var user = { wrap: el('input', { type: 'text', name: 'username', autocomplete: 'username', value: s.username, readonly: 'readonly', hidden: 'hidden' }) };
      show([
        el('p', {}, ['Hello ' + s.displayName + '. Add this key to your authenticator app, ', el('a', { href: s.totp.otpauthUri }, ['or open it on your phone']), ':']),
        el('p', {}, [el('code', {}, [s.totp.manualKey])]),
        form([user, pw, code], 'Turn on two-step sign-in', function () {
          var body = { token: token, password: pw.input.value, totpCode: code.input.value };
          return post('two-factor/complete', body).then(function (r) {
            if (!r.ok) return errorText(r);
            done('Two-step sign-in is set up. Sign in with your password and a code from your authenticator app.');
          });
        })
      ]);
    });
  } else if (page === 'confirm-email') {
    show([form([], 'Use this address for my account', function () {
      return post('email/confirm', { token: token }).then(function (r) {
        if (!r.ok) return errorText(r);
        done('Done: your account now uses ' + r.body.email + '.');
      });
    })]);
  }
})();
`;
