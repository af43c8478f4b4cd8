import type { AccountWords } from './account-words';

/** English words of the account pages (see account-words.ts). */
export const en: AccountWords = {
  languageName: 'English',
  languageNav: 'Language',
  titles: {
    verify: 'Activate your Keyholder account',
    reset: 'Choose a new Keyholder password',
    'confirm-email': 'Confirm your new email address',
    'two-factor': 'Set up two-step sign-in again',
    forgot: 'Forgot your Keyholder password?',
    find: 'Find your Keyholder account',
  },
  needsScript: 'This page needs JavaScript. Turn it on in your browser and open the page again.',
  forgotIntro:
    'Type the email address of your Keyholder account. If it has an active account, we send it a link and a code to choose a new password.',
  forgotEmailLabel: 'Email address',
  forgotSubmit: 'Send me a link',
  findIntro:
    'Forgot your username? Type your name as your manager entered it and the name of your store. We send your username to the email address on file.',
  findNameLabel: 'Your full name',
  findStoreLabel: 'Your store',
  findSubmit: 'Send me my username',
  toForgot: 'Forgot your password?',
  toFind: 'Forgot your username? Find your account',
  script: {
    genericError: 'Something went wrong. Try again later.',
    errors: {
      invalid_code:
        'This code or link is not valid: it may be mistyped, already used or expired. Ask for a new one.',
      invalid_totp_code:
        'The code from your authenticator app is not right. Wait for the next one and try again.',
      password_policy: 'This password cannot be used:',
      rate_limited: 'Too many attempts. Wait a minute and try again.',
      invalid_current_password: 'Your current password is not right.',
      two_factor_setup_required:
        'Set up two-step sign-in again first: use the link or code we have emailed you.',
      invalid_request: 'Check what you typed and try again.',
    },
    newPassword: 'New password (at least {min} characters)',
    confirmPassword: 'Type it again',
    mismatch: 'The two passwords are not the same.',
    totpLabel: 'Code from your authenticator app',
    totpOptional: 'Code from your authenticator app (optional)',
    currentPassword: 'Your current password (it does not change)',
    codeIntro: 'Type the email address the message was sent to and the code in it.',
    emailLabel: 'Email address',
    codeLabel: 'Code from the email',
    continue: 'Continue',
    incompleteLink: 'This link is incomplete. Open it again from the email.',
    verifyHello: 'Hello {name}. Your username on the store PCs is {username}.',
    addKey: 'Add this key to your authenticator app',
    openOnPhone: 'or open it on your phone',
    activate: 'Activate my account',
    activated: 'Your account is active. Sign in with your username {username}.',
    changePassword: 'Change my password',
    passwordChanged:
      'Your password was changed and every session was signed out. Sign in again with your new password and your authentication code.',
    twoFactorHello: 'Hello {name}.',
    turnOnTwoFactor: 'Turn on two-step sign-in',
    twoFactorDone:
      'Two-step sign-in is set up. Sign in with your password and a code from your authenticator app.',
    confirmEmail: 'Use this address for my account',
    emailConfirmed: 'Done: your account now uses {email}.',
    sending: 'Sending…',
    forgotAccepted:
      'If an active account uses this address, we have sent it a link and a code to choose a new password. They work once, for one hour. Check your inbox and your spam folder.',
    findAccepted:
      'If we found an account with this name at this store, we have sent its username to the email address on file.',
  },
};
