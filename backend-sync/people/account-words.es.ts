import type { AccountWords } from './account-words';

/** Spanish words of the account pages (see account-words.ts), as the desktop: "usted". */
export const es: AccountWords = {
  languageName: 'Español',
  languageNav: 'Idioma',
  titles: {
    verify: 'Active su cuenta de Keyholder',
    reset: 'Elija una nueva contraseña de Keyholder',
    'confirm-email': 'Confirme su nueva dirección de correo',
    'two-factor': 'Vuelva a configurar el inicio de sesión en dos pasos',
    forgot: '¿Ha olvidado su contraseña de Keyholder?',
    find: 'Encuentre su cuenta de Keyholder',
  },
  needsScript:
    'Esta página necesita JavaScript. Actívelo en su navegador y vuelva a abrir la página.',
  forgotIntro:
    'Escriba la dirección de correo de su cuenta de Keyholder. Si corresponde a una cuenta activa, le enviamos un enlace y un código para elegir una nueva contraseña.',
  forgotEmailLabel: 'Dirección de correo',
  forgotSubmit: 'Enviarme un enlace',
  findIntro:
    '¿Ha olvidado su nombre de usuario? Escriba su nombre tal como lo registró su gerente y el nombre de su tienda. Enviamos su nombre de usuario a la dirección de correo registrada.',
  findNameLabel: 'Su nombre completo',
  findStoreLabel: 'Su tienda',
  findSubmit: 'Enviarme mi nombre de usuario',
  toForgot: '¿Ha olvidado su contraseña?',
  toFind: '¿Ha olvidado su nombre de usuario? Encuentre su cuenta',
  script: {
    genericError: 'Algo salió mal. Inténtelo de nuevo más tarde.',
    errors: {
      invalid_code:
        'Este código o enlace no es válido: puede estar mal escrito, ya usado o caducado. Pida uno nuevo.',
      invalid_totp_code:
        'El código de su aplicación de autenticación no es correcto. Espere al siguiente e inténtelo de nuevo.',
      password_policy: 'No se puede usar esta contraseña:',
      rate_limited: 'Demasiados intentos. Espere un minuto e inténtelo de nuevo.',
      invalid_current_password: 'Su contraseña actual no es correcta.',
      two_factor_setup_required:
        'Primero vuelva a configurar el inicio de sesión en dos pasos: use el enlace o el código que le hemos enviado.',
      invalid_request: 'Revise lo que ha escrito e inténtelo de nuevo.',
    },
    newPassword: 'Nueva contraseña (al menos {min} caracteres)',
    confirmPassword: 'Escríbala otra vez',
    mismatch: 'Las dos contraseñas no coinciden.',
    totpLabel: 'Código de su aplicación de autenticación',
    totpOptional: 'Código de su aplicación de autenticación (opcional)',
    currentPassword: 'Su contraseña actual (no cambia)',
    codeIntro:
      'Escriba la dirección de correo a la que se envió el mensaje y el código que contiene.',
    emailLabel: 'Dirección de correo',
    codeLabel: 'Código del correo',
    continue: 'Continuar',
    incompleteLink: 'Este enlace está incompleto. Vuelva a abrirlo desde el correo.',
    verifyHello: 'Hola, {name}. Su nombre de usuario en los PC de la tienda es {username}.',
    addKey: 'Añada esta clave a su aplicación de autenticación',
    openOnPhone: 'o ábrala en su teléfono',
    activate: 'Activar mi cuenta',
    activated: 'Su cuenta está activa. Inicie sesión con su nombre de usuario {username}.',
    changePassword: 'Cambiar mi contraseña',
    passwordChanged:
      'Su contraseña se ha cambiado y se han cerrado todas las sesiones. Vuelva a iniciar sesión con su nueva contraseña y su código de autenticación.',
    twoFactorHello: 'Hola, {name}.',
    turnOnTwoFactor: 'Activar el inicio de sesión en dos pasos',
    twoFactorDone:
      'El inicio de sesión en dos pasos está configurado. Inicie sesión con su contraseña y un código de su aplicación de autenticación.',
    confirmEmail: 'Usar esta dirección para mi cuenta',
    emailConfirmed: 'Listo: su cuenta ahora usa {email}.',
    sending: 'Enviando…',
    forgotAccepted:
      'Si una cuenta activa usa esta dirección, le hemos enviado un enlace y un código para elegir una nueva contraseña. Funcionan una vez, durante una hora. Revise su bandeja de entrada y la carpeta de correo no deseado.',
    findAccepted:
      'Si hemos encontrado una cuenta con este nombre en esta tienda, hemos enviado su nombre de usuario a la dirección de correo registrada.',
  },
};
