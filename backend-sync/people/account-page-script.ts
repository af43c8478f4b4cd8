/**
 * /account/account.js: the script of every account page (account-page.ts). It reads its words
 * from the page's JSON data block (so the one static script speaks the page's language), sends
 * every form as JSON (a cross-site HTML form cannot: the API refuses any other content type), and
 * asks the API to mail in the page's language (Accept-Language). Messages go to the page's live
 * region (#result); every value is inserted as text, never as HTML.
 */
export const ACCOUNT_PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var W = JSON.parse(document.getElementById('words').textContent);
  var page = document.body.getAttribute('data-page');
  var lang = document.documentElement.lang;
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  var app = document.getElementById('app');
  var result = document.getElementById('result');
  var api = new URL('../api/v1/account/', location.href).toString();

  // Switching language reloads the page: the link's secret comes along in the fragment.
  if (token) {
    document.querySelectorAll('.langs a').forEach(function (a) {
      a.addEventListener('click', function () { a.href = a.href.split('#')[0] + '#token=' + token; });
    });
  }

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values && k in values ? String(values[k]) : m; });
  }
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
  function say(kind, text) {
    result.textContent = '';
    if (text) result.appendChild(el('p', { class: kind }, [text]));
  }
  function post(path, body) {
    return fetch(api + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': lang },
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
    if (!e) return W.genericError;
    var details = e.details && e.details.messages ? ' ' + e.details.messages.join(' ') : '';
    return (W.errors[e.code] || e.message) + details;
  }
  function field(label, name, type, extra) {
    var input = el('input', Object.assign({ name: name, type: type, id: name }, extra || {}));
    return { wrap: el('div', {}, [el('label', { for: name }, [label]), input]), input: input };
  }
  function wire(f, button, onSubmit) {
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      button.disabled = true;
      say('', W.sending);
      onSubmit().then(function (message) {
        button.disabled = false;
        if (message) say('error', message);
      });
    });
  }
  function form(fields, submitLabel, onSubmit) {
    var button = el('button', { type: 'submit' }, [submitLabel]);
    var f = el('form', {}, fields.map(function (x) { return x.wrap; }).concat([button]));
    wire(f, button, onSubmit);
    return f;
  }
  function passwordFields(policy) {
    var p = field(fmt(W.newPassword, { min: policy.minLength }), 'password', 'password',
      { autocomplete: 'new-password', required: 'required', maxlength: String(policy.maxLength) });
    var c = field(W.confirmPassword, 'confirm', 'password', { autocomplete: 'new-password', required: 'required' });
    return [p, c];
  }
  function mismatch(pw) {
    return pw[0].input.value !== pw[1].input.value ? W.mismatch : null;
  }
  function done(text) { show([]); say('ok', text); }
  // With a link, a refused secret ends the page; with a typed code, the form stays for a retry.
  function fail(res) { if (token) show([]); say('error', errorText(res)); }
  function hidden(username) {
    // For password managers: the account the new password belongs to.
    return { wrap: el('input', { type: 'text', name: 'username', autocomplete: 'username', value: username, readonly: 'readonly', hidden: 'hidden' }) };
  }
  function withCred(cred, extra) { return Object.assign({}, cred, extra); }

  // The two entry pages: their form is in the HTML; the answer never says whether anyone matched.
  var entry = document.getElementById('entry-form');
  if (entry) {
    wire(entry, entry.querySelector('button'), function () {
      var value = function (name) { return entry.elements.namedItem(name).value; };
      var req = page === 'forgot'
        ? post('password-reset', { email: value('email') })
        : post('find', { displayName: value('displayName'), storeName: value('storeName') });
      return req.then(function (r) {
        if (!r.ok) return errorText(r);
        say('ok', page === 'forgot' ? W.forgotAccepted : W.findAccepted);
      });
    });
    return;
  }

  var flows = {
    verify: function (cred) {
      post('verification/start', cred).then(function (res) {
        if (!res.ok) return fail(res);
        var s = res.body;
        var pw = passwordFields(s.password);
        var code = field(s.totpRequired ? W.totpLabel : W.totpOptional, 'totp', 'text',
          Object.assign({ inputmode: 'numeric', autocomplete: 'one-time-code' }, s.totpRequired ? { required: 'required' } : {}));
        say('', '');
        show([
          el('p', {}, [fmt(W.verifyHello, { name: s.displayName, username: s.username })]),
          el('p', {}, [W.addKey + ' (', el('a', { href: s.totp.otpauthUri }, [W.openOnPhone]), '):']),
          el('p', {}, [el('code', {}, [s.totp.manualKey])]),
          form([hidden(s.username)].concat(pw, [code]), W.activate, function () {
            var m = mismatch(pw);
            if (m) return Promise.resolve(m);
            var body = withCred(cred, { password: pw[0].input.value });
            if (code.input.value) body.totpCode = code.input.value;
            return post('verification/complete', body).then(function (r) {
              if (!r.ok) return errorText(r);
              done(fmt(W.activated, { username: r.body.username }));
            });
          })
        ]);
      });
    },
    reset: function (cred) {
      post('password-reset/check', cred).then(function (res) {
        if (!res.ok) return fail(res);
        var pw = passwordFields(res.body.password);
        var fields = pw.slice();
        var code = null;
        if (res.body.totpRequired) {
          code = field(W.totpLabel, 'totp', 'text', { inputmode: 'numeric', autocomplete: 'one-time-code', required: 'required' });
          fields.push(code);
        }
        say('', '');
        show([form(fields, W.changePassword, function () {
          var m = mismatch(pw);
          if (m) return Promise.resolve(m);
          var body = withCred(cred, { newPassword: pw[0].input.value });
          if (code) body.totpCode = code.input.value;
          return post('password-reset/complete', body).then(function (r) {
            if (!r.ok) return errorText(r);
            done(W.passwordChanged);
          });
        })]);
      });
    },
    'two-factor': function (cred) {
      post('two-factor/start', cred).then(function (res) {
        if (!res.ok) return fail(res);
        var s = res.body;
        var pw = field(W.currentPassword, 'password', 'password', { autocomplete: 'current-password', required: 'required' });
        var code = field(W.totpLabel, 'totp', 'text', { inputmode: 'numeric', autocomplete: 'one-time-code', required: 'required' });
        say('', '');
        show([
          el('p', {}, [fmt(W.twoFactorHello, { name: s.displayName }) + ' ' + W.addKey + ' (', el('a', { href: s.totp.otpauthUri }, [W.openOnPhone]), '):']),
          el('p', {}, [el('code', {}, [s.totp.manualKey])]),
          form([hidden(s.username), pw, code], W.turnOnTwoFactor, function () {
            var body = withCred(cred, { password: pw.input.value, totpCode: code.input.value });
            return post('two-factor/complete', body).then(function (r) {
              if (!r.ok) return errorText(r);
              done(W.twoFactorDone);
            });
          })
        ]);
      });
    }
  };

  if (page === 'confirm-email') {
    if (!token) return say('error', W.incompleteLink);
    show([form([], W.confirmEmail, function () {
      return post('email/confirm', { token: token }).then(function (r) {
        if (!r.ok) return errorText(r);
        done(fmt(W.emailConfirmed, { email: r.body.email }));
      });
    })]);
  } else if (flows[page]) {
    if (token) {
      flows[page]({ token: token });
    } else {
      // Opened without the link (typed by hand, or the link was cut): the address and the code
      // from the mail do the same.
      var email = field(W.emailLabel, 'email', 'email', { autocomplete: 'email', required: 'required', maxlength: '254' });
      var code = field(W.codeLabel, 'code', 'text', { autocomplete: 'one-time-code', required: 'required', maxlength: '32' });
      show([el('p', {}, [W.codeIntro]), form([email, code], W.continue, function () {
        flows[page]({ email: email.input.value, code: code.input.value.trim().toUpperCase() });
        return Promise.resolve(null);
      })]);
    }
  }
})();
`;
