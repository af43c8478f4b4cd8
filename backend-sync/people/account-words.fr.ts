import type { AccountWords } from './account-words';

/** French words of the account pages (see account-words.ts). */
export const fr: AccountWords = {
  languageName: 'Français',
  languageNav: 'Langue',
  titles: {
    verify: 'Activez votre compte Keyholder',
    reset: 'Choisissez un nouveau mot de passe Keyholder',
    'confirm-email': 'Confirmez votre nouvelle adresse e-mail',
    'two-factor': 'Configurez à nouveau la connexion en deux étapes',
    forgot: 'Mot de passe Keyholder oublié ?',
    find: 'Retrouvez votre compte Keyholder',
  },
  needsScript:
    'Cette page a besoin de JavaScript. Activez-le dans votre navigateur et rouvrez la page.',
  forgotIntro:
    'Saisissez l’adresse e-mail de votre compte Keyholder. Si elle correspond à un compte actif, nous lui envoyons un lien et un code pour choisir un nouveau mot de passe.',
  forgotEmailLabel: 'Adresse e-mail',
  forgotSubmit: 'M’envoyer un lien',
  findIntro:
    'Nom d’utilisateur oublié ? Saisissez votre nom tel que votre responsable l’a enregistré et le nom de votre magasin. Nous envoyons votre nom d’utilisateur à l’adresse e-mail enregistrée.',
  findNameLabel: 'Votre nom complet',
  findStoreLabel: 'Votre magasin',
  findSubmit: 'M’envoyer mon nom d’utilisateur',
  toForgot: 'Mot de passe oublié ?',
  toFind: 'Nom d’utilisateur oublié ? Retrouvez votre compte',
  script: {
    genericError: 'Une erreur s’est produite. Réessayez plus tard.',
    errors: {
      invalid_code:
        'Ce code ou ce lien n’est pas valide : il est peut-être mal saisi, déjà utilisé ou expiré. Demandez-en un nouveau.',
      invalid_totp_code:
        'Le code de votre application d’authentification n’est pas bon. Attendez le suivant et réessayez.',
      password_policy: 'Ce mot de passe ne peut pas être utilisé :',
      rate_limited: 'Trop de tentatives. Attendez une minute et réessayez.',
      invalid_current_password: 'Votre mot de passe actuel n’est pas bon.',
      two_factor_setup_required:
        'Configurez d’abord à nouveau la connexion en deux étapes : utilisez le lien ou le code que nous vous avons envoyé.',
      invalid_request: 'Vérifiez votre saisie et réessayez.',
    },
    newPassword: 'Nouveau mot de passe (au moins {min} caractères)',
    confirmPassword: 'Saisissez-le à nouveau',
    mismatch: 'Les deux mots de passe ne sont pas identiques.',
    totpLabel: 'Code de votre application d’authentification',
    totpOptional: 'Code de votre application d’authentification (facultatif)',
    currentPassword: 'Votre mot de passe actuel (il ne change pas)',
    codeIntro:
      'Saisissez l’adresse e-mail à laquelle le message a été envoyé et le code qu’il contient.',
    emailLabel: 'Adresse e-mail',
    codeLabel: 'Code reçu par e-mail',
    continue: 'Continuer',
    incompleteLink: 'Ce lien est incomplet. Rouvrez-le depuis l’e-mail.',
    verifyHello: 'Bonjour {name}. Votre nom d’utilisateur sur les PC du magasin est {username}.',
    addKey: 'Ajoutez cette clé à votre application d’authentification',
    openOnPhone: 'ou ouvrez-la sur votre téléphone',
    activate: 'Activer mon compte',
    activated: 'Votre compte est actif. Connectez-vous avec votre nom d’utilisateur {username}.',
    changePassword: 'Changer mon mot de passe',
    passwordChanged:
      'Votre mot de passe a été changé et toutes les sessions ont été fermées. Reconnectez-vous avec votre nouveau mot de passe et votre code d’authentification.',
    twoFactorHello: 'Bonjour {name}.',
    turnOnTwoFactor: 'Activer la connexion en deux étapes',
    twoFactorDone:
      'La connexion en deux étapes est configurée. Connectez-vous avec votre mot de passe et un code de votre application d’authentification.',
    confirmEmail: 'Utiliser cette adresse pour mon compte',
    emailConfirmed: 'C’est fait : votre compte utilise désormais {email}.',
    sending: 'Envoi…',
    forgotAccepted:
      'Si un compte actif utilise cette adresse, nous lui avons envoyé un lien et un code pour choisir un nouveau mot de passe. Ils fonctionnent une fois, pendant une heure. Vérifiez votre boîte de réception et vos courriers indésirables.',
    findAccepted:
      'Si nous avons trouvé un compte à ce nom dans ce magasin, nous avons envoyé son nom d’utilisateur à l’adresse e-mail enregistrée.',
  },
};
