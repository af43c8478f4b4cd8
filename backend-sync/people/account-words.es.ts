import type { AccountWords } from './account-words';

/** Spanish words of the account pages (see account-words.ts). */
export const es: AccountWords = {
  languageName: 'Español',
  languageNav: 'Idioma',
  titles: {
    verify: 'Activa tu cuenta de Keyholder',
    reset: 'Elige una nueva contraseña de Keyholder',
    'confirm-email': 'Confirma tu nueva dirección de correo',
    'two-factor': 'Vuelve a configurar el inicio de sesión en dos pasos',
    forgot: '¿Olvidaste tu contraseña de Keyholder?',
    find: 'Encuentra tu cuenta de Keyholder',
  },
  needsScript:
    'Esta página necesita JavaScript. Actívalo en tu navegador y vuelve a abrir la página.',
  forgotIntro:
    'Escribe la dirección de correo de tu cuenta de Keyholder. Si tiene una cuenta activa, le enviamos un enlace y un código para elegir una nueva contraseña.',
  forgotEmailLabel: 'Dirección de correo',
  forgotSubmit: 'Enviarme un enlace',
  findIntro:
    '¿Olvidaste tu nombre de usuario? Escribe tu nombre tal como lo registró tu gerente y el nombre de tu tienda. Enviamos tu nombre de usuario a la dirección de correo registrada.',
  findNameLabel: 'Tu nombre completo',
  findStoreLabel: 'Tu tienda',
  findSubmit: 'Enviarme mi nombre de usuario',
  toForgot: '¿Olvidaste tu contraseña?',
  toFind: '¿Olvidaste tu nombre de usuario? Encuentra tu cuenta',
  script: {
    genericError: 'Algo salió mal. Inténtalo de nuevo más tarde.',
    errors: {
      invalid_code:
        'Este código o enlace no es válido: puede estar mal escrito, ya usado o caducado. Pide uno nuevo.',
      invalid_totp_code:
        'El código de tu aplicación de autenticación no es correcto. Espera al siguiente e inténtalo de nuevo.',
      password_policy: 'No se puede usar esta contraseña:',
      rate_limited: 'Demasiados intentos. Espera un minuto e inténtalo de nuevo.',
      invalid_current_password: 'Tu contraseña actual no es correcta.',
      two_factor_setup_required:
        'Primero vuelve a configurar el inicio de sesión en dos pasos: usa el enlace o el código que te hemos enviado.',
      invalid_request: 'Revisa lo que escribiste e inténtalo de nuevo.',
    },
    newPassword: 'Nueva contraseña (al menos {min} caracteres)',
    confirmPassword: 'Escríbela otra vez',
    mismatch: 'Las dos contraseñas no coinciden.',
    totpLabel: 'Código de tu aplicación de autenticación',
    totpOptional: 'Código de tu aplicación de autenticación (opcional)',
    currentPassword: 'Tu contraseña actual (no cambia)',
    codeIntro:
      'Escribe la dirección de correo a la que se envió el mensaje y el código que contiene.',
    emailLabel: 'Dirección de correo',
    codeLabel: 'Código del correo',
    continue: 'Continuar',
    incompleteLink: 'Este enlace está incompleto. Vuelve a abrirlo desde el correo.',
    verifyHello: 'Hola, {name}. Tu nombre de usuario en los PC de la tienda es {username}.',
    addKey: 'Añade esta clave a tu aplicación de autenticación',
    openOnPhone: 'o ábrela en tu teléfono',
    activate: 'Activar mi cuenta',
    activated: 'Tu cuenta está activa. Inicia sesión con tu nombre de usuario {username}.',
    changePassword: 'Cambiar mi contraseña',
    passwordChanged:
      'Tu contraseña se cambió y se cerraron todas las sesiones. Vuelve a iniciar sesión con tu nueva contraseña y tu código de autenticación.',
    twoFactorHello: 'Hola, {name}.',
    turnOnTwoFactor: 'Activar el inicio de sesión en dos pasos',
    twoFactorDone:
      'El inicio de sesión en dos pasos está configurado. Inicia sesión con tu contraseña y un código de tu aplicación de autenticación.',
    confirmEmail: 'Usar esta dirección para mi cuenta',
    emailConfirmed: 'Listo: tu cuenta ahora usa {email}.',
    sending: 'Enviando…',
    forgotAccepted:
      'Si una cuenta activa usa esta dirección, le hemos enviado un enlace y un código para elegir una nueva contraseña. Funcionan una vez, durante una hora. Revisa tu bandeja de entrada y la carpeta de correo no deseado.',
    findAccepted:
      'Si encontramos una cuenta con este nombre en esta tienda, hemos enviado su nombre de usuario a la dirección de correo registrada.',
  },
};
