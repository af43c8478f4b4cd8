import { auditWordsEs } from './audit-words.es';
import type { Messages } from './messages.en';

/** Español. Every key of the English dictionary, translated. */
export const es: Messages = {
  'common.cancel': 'Cancelar',
  'common.close': 'Cerrar',
  'common.continue': 'Continuar',
  'common.copy': 'Copiar',
  'common.copied': 'Copiado.',
  'common.copy_failed': 'No se pudo copiar. Seleccione el texto y cópielo usted.',
  'common.dismiss': 'Descartar',
  'common.done': 'Listo',
  'common.loading': 'Cargando…',
  'common.no': 'No',
  'common.yes': 'Sí',
  'common.optional': 'Opcional.',
  'common.retry': 'Reintentar',
  'common.working': 'Procesando…',
  'common.table_region': '{name} (tabla)',

  'nav.label': 'Principal',
  'nav.skip': 'Saltar al contenido principal',
  'nav.home': 'Inicio',
  'nav.staff': 'Personal',
  'nav.audit': 'Registro de auditoría',
  'nav.account': 'Mi cuenta',
  'nav.settings': 'Ajustes',
  'nav.lock': 'Bloquear',
  'nav.switch_user': 'Cambiar de usuario',
  'nav.sign_out': 'Cerrar sesión',

  'role.admin': 'Administrador',
  'role.manager': 'Gerente',
  'role.viewer': 'Equipo',

  'notconnected.title': 'Keyholder no está conectado',
  'notconnected.token':
    'Abra Keyholder con la dirección que mostró al iniciarse (termina en #token=…).',
  'notconnected.running': 'Compruebe que Keyholder sigue en marcha y vuelva a intentarlo.',

  'setup.title': 'Configurar Keyholder',
  'setup.lead':
    'Todavía no hay cuentas en este equipo. Elija la política de contraseñas, indique el nombre de la tienda y cree el primer administrador.',
  'setup.policy_legend': 'Política de contraseñas',
  'setup.store_legend': 'Tienda',
  'setup.store_name': 'Nombre de la tienda',
  'setup.brand_name': 'Nombre de la marca',
  'setup.admin_legend': 'Primer administrador',
  'setup.submit': 'Crear administrador',
  'setup.missing':
    'Complete el nombre de la tienda, el nombre completo, el nombre de usuario y la contraseña.',

  'profile.standard': 'Estándar',
  'profile.pci': 'PCI DSS',
  'profile.classic': 'Lista clásica',
  'profile.recommended': 'Recomendado',
  'profile.standard_text':
    'Al menos 12 caracteres, sin tipos de caracteres obligatorios, se rechazan las contraseñas comunes y fáciles de adivinar, sin caducidad periódica. Sigue NIST SP 800-63B.',
  'profile.pci_text':
    'Al menos 12 caracteres con letras y dígitos, distinta de las 4 últimas, bloqueo de 30 minutos, caducidad a los 90 días si la verificación en dos pasos está desactivada.',
  'profile.classic_text':
    'Al menos 8 caracteres con mayúsculas, minúsculas y un dígito, cambio cada 90 días, distinta de las 5 últimas.',
  'profile.warning_title': 'No recomendado',
  'profile.classic_warning':
    'El perfil de lista clásica exige reglas de tipos de caracteres y un cambio cada 90 días. NIST SP 800-63B desaconseja ambas cosas: en la práctica llevan a contraseñas previsibles (como "Verano2024!") y debilitan la seguridad. Solo se ofrece a clientes cuyos auditores lo exigen; se recomienda el perfil Estándar.',

  'signin.title': 'Iniciar sesión',
  'signin.lead': 'Inicie sesión en Keyholder.',
  'signin.lead_store': 'Inicie sesión en Keyholder en {store}.',
  'signin.username': 'Nombre de usuario',
  'signin.password': 'Contraseña',
  'signin.submit': 'Iniciar sesión',
  'signin.checking': 'Comprobando…',
  'signin.missing': 'Introduzca su nombre de usuario y su contraseña.',
  'signin.forgot': '¿Ha olvidado su contraseña?',
  'signin.forgot_standalone': '¿Ha olvidado su contraseña? Pida a un gerente que la restablezca.',
  'signin.code': 'Código de autenticación',
  'signin.code_title': 'Introduzca su código de autenticación',
  'signin.code_lead':
    'Abra su aplicación de autenticación e introduzca el código de 6 dígitos que muestra para Keyholder.',
  'signin.use_recovery': 'Usar un código de recuperación',
  'signin.use_code': 'Usar un código de autenticación',
  'signin.recovery_title': 'Usar un código de recuperación',
  'signin.recovery_lead':
    'Introduzca uno de los códigos de recuperación que guardó. Cada código sirve una sola vez.',
  'signin.recovery_code': 'Código de recuperación',
  'signin.recovery_hint': 'Por ejemplo: abcde-fgh23',
  'signin.start_over': 'Empezar de nuevo',

  'parked.title': 'También con sesión iniciada en este equipo',
  'parked.hint':
    'Pulse Reanudar para seguir donde lo dejó. Si vuelve a iniciar sesión, su sesión anterior se cierra.',
  'parked.resume': 'Reanudar',
  'parked.resume_for': 'Reanudar la sesión de {name}',
  'parked.dialog_title': 'Reanudar la sesión de {name}',

  'change.title': 'Elija una contraseña nueva',
  'change.reason_temporary':
    'Ha iniciado sesión con una contraseña temporal. Elija su propia contraseña para continuar.',
  'change.reason_required': 'Debe cambiar su contraseña antes de continuar.',
  'change.reason_expired': 'Su contraseña ha caducado. Elija una nueva para continuar.',
  'change.submit': 'Guardar la contraseña nueva',

  'password.new': 'Contraseña nueva',
  'password.confirm_new': 'Confirme la contraseña nueva',
  'password.confirm': 'Confirme la contraseña',
  'password.current': 'Contraseña actual',
  'password.mismatch': 'Las dos contraseñas no coinciden.',
  'password.checking': 'Cargando las reglas de contraseña…',
  'password.strength': 'Solidez:',
  'password.strength_0': 'Muy débil',
  'password.strength_1': 'Débil',
  'password.strength_2': 'Aceptable',
  'password.strength_3': 'Sólida',
  'password.strength_4': 'Muy sólida',
  'password.still_needed': 'Falta:',
  'password.meets_policy': 'Esta contraseña cumple la política.',

  'violation.too_short': 'Use al menos {min} caracteres.',
  'violation.too_long': 'Use como máximo {max} caracteres.',
  'violation.needs_letter': 'Incluya al menos una letra.',
  'violation.needs_digit': 'Incluya al menos un dígito.',
  'violation.needs_upper': 'Incluya al menos una letra mayúscula.',
  'violation.needs_lower': 'Incluya al menos una letra minúscula.',
  'violation.common_password':
    'Esta contraseña es demasiado común y fácil de adivinar. Elija una menos previsible.',
  'violation.context_word':
    'No use "{word}": forma parte de su nombre, nombre de usuario, correo electrónico o del nombre de la tienda o de la marca.',
  'violation.repetitive':
    'No repita un carácter ni un grupo de caracteres (como "aaaa" o "abcabc").',
  'violation.sequential':
    'No use una secuencia de letras o dígitos (como "abcd", "1234" o "9876").',
  'violation.keyboard_walk': 'No use teclas contiguas del teclado (como "qwerty" o "1qaz2wsx").',
  'violation.too_guessable':
    'Esta contraseña es demasiado fácil de adivinar. Añada una o dos palabras más o hágala menos previsible.',
  'violation.reused_one': 'Elija una contraseña distinta de la anterior.',
  'violation.reused_many': 'Elija una contraseña distinta de sus {count} últimas contraseñas.',

  'totp.title': 'Configurar la verificación en dos pasos',
  'totp.lead_required':
    'Su rol exige un código de una aplicación de autenticación cada vez que inicia sesión. Configúrela ahora.',
  'totp.step_app':
    'Instale una aplicación de autenticación en su teléfono (cualquiera que admita TOTP).',
  'totp.step_scan':
    'En la aplicación, añada una cuenta y escanee el código QR, o escriba la clave manual.',
  'totp.step_code': 'Introduzca el código de 6 dígitos que muestra la aplicación.',
  'totp.qr_alt': 'Código QR para añadir Keyholder a su aplicación de autenticación',
  'totp.manual_key': 'Clave manual',
  'totp.copy_key': 'Copiar la clave',
  'totp.code_hint': 'El código cambia cada 30 segundos.',
  'totp.confirm': 'Confirmar el código',

  'recovery.title': 'Guarde sus códigos de recuperación',
  'recovery.explain':
    'Si pierde su teléfono, cada uno de estos códigos le permite iniciar sesión una vez en lugar de un código de autenticación. Solo se muestran ahora: guárdelos en un lugar seguro, lejos de este equipo.',
  'recovery.list_label': 'Códigos de recuperación',
  'recovery.copy': 'Copiar los códigos',
  'recovery.download': 'Descargar .txt',
  'recovery.print': 'Imprimir',
  'recovery.saved': 'Los he guardado',
  'recovery.file_title': 'Códigos de recuperación de Keyholder',
  'recovery.file_account': 'Cuenta: {name} ({username})',
  'recovery.file_store': 'Tienda: {store}',
  'recovery.file_date': 'Creados el {date}',
  'recovery.print_note':
    'Cada código sirve una sola vez. Guarde esta hoja en un lugar seguro; los códigos nuevos la sustituyen.',
  'recovery.file_note': 'Cada código sirve una sola vez. Guarde este archivo en un lugar seguro.',

  'lock.title': 'Este equipo está bloqueado',
  'lock.lead':
    '{name} ({username}) tiene la sesión iniciada. Introduzca la contraseña para continuar.',
  'lock.unlock': 'Desbloquear',

  'home.greeting': 'Hola, {name}',
  'home.lead': '{role} en {store}',
  'home.shortcuts': 'Ir a',
  'home.staff_title': 'Personal',
  'home.staff_text': 'Crear cuentas, restablecer contraseñas, desbloquear, desactivar.',
  'home.audit_title': 'Registro de auditoría',
  'home.audit_text': 'Quién hizo qué y cuándo, con una comprobación de que nada se alteró.',
  'home.account_title': 'Mi cuenta',
  'home.account_text':
    'Cambiar su contraseña, la verificación en dos pasos, sus inicios de sesión recientes.',
  'home.policy_title': 'Política de contraseñas',
  'home.policy_text': 'Reglas de contraseña, bloqueo y bloqueo por inactividad de cada rol.',
  'home.recovery_used':
    'Ha iniciado sesión con un código de recuperación. {count, plural, =0 {No le quedan códigos de recuperación} one {Le queda # código de recuperación} other {Le quedan # códigos de recuperación}}; obtenga otros nuevos antes de que se acaben.',
  'home.recovery_manage': 'Gestionar los códigos de recuperación',
  'home.time_title': 'El reloj de este equipo se atrasó.',
  'home.time_admin':
    'El inicio de sesión está en pausa para todos salvo los administradores. Si el reloj muestra ahora la fecha y la hora correctas, confírmelo.',
  'home.time_other':
    'El inicio de sesión está en pausa para el personal hasta que un administrador confirme la hora.',
  'home.time_confirm': 'Confirmar que el reloj es correcto',
  'home.time_confirmed':
    'Gracias: la hora está confirmada y el inicio de sesión vuelve a funcionar.',

  'staff.title': 'Personal',
  'staff.lead': 'Las personas que pueden iniciar sesión en este equipo.',
  'staff.create': 'Añadir una persona',
  'staff.search': 'Buscar personal',
  'staff.search_hint': 'Nombre, nombre de usuario o correo electrónico.',
  'staff.none': 'Nadie coincide con esta búsqueda.',
  'staff.count': '{count, plural, one {# persona} other {# personas}}',
  'staff.col_name': 'Nombre',
  'staff.col_status': 'Estado',
  'staff.col_last': 'Último inicio de sesión',
  'staff.col_actions': 'Acciones',
  'staff.role': 'Rol',
  'staff.never': 'Nunca',
  'staff.you': 'Usted',
  'staff.manage': 'Gestionar',
  'staff.manage_for': 'Gestionar a {name}',
  'staff.manage_title': 'Gestionar a {name}',
  'staff.active': 'Activa',
  'staff.disabled': 'Desactivada',
  'staff.locked': 'Bloqueada',
  'staff.must_change': 'Debe cambiar la contraseña',
  'staff.totp_on': 'Dos pasos activada',
  'staff.totp_off': 'Dos pasos desactivada',
  'staff.display_name': 'Nombre completo',
  'staff.username_hint': 'De 3 a 64 letras, dígitos, puntos, guiones, guiones bajos o @.',
  'staff.email': 'Correo electrónico',
  'staff.create_title': 'Añadir una persona',
  'staff.create_note':
    'Keyholder crea una contraseña temporal que se muestra una sola vez. Sirve durante una hora, y la persona elige la suya al iniciar sesión por primera vez.',
  'staff.create_submit': 'Crear la cuenta',
  'staff.missing': 'Complete el nombre completo y el nombre de usuario.',
  'staff.new_role': 'Rol nuevo',
  'staff.disable': 'Desactivar la cuenta',
  'staff.enable': 'Activar la cuenta',
  'staff.reset_password': 'Restablecer la contraseña',
  'staff.unlock': 'Desbloquear la cuenta',
  'staff.reset_2fa': 'Restablecer la verificación en dos pasos',
  'staff.change_role': 'Cambiar el rol',
  'staff.confirm_disable_title': '¿Desactivar la cuenta de {name}?',
  'staff.confirm_disable':
    '{name} ya no podrá iniciar sesión y sus sesiones en este equipo terminan ahora. Puede volver a activar la cuenta más tarde.',
  'staff.confirm_reset_title': '¿Restablecer la contraseña de {name}?',
  'staff.confirm_reset':
    'Su contraseña actual deja de funcionar y sus sesiones terminan. Recibirá una contraseña temporal para entregar a {name}.',
  'staff.confirm_2fa_title': '¿Restablecer la verificación en dos pasos de {name}?',
  'staff.confirm_2fa':
    'Su aplicación de autenticación y sus códigos de recuperación dejan de funcionar. Si su rol lo exige, volverá a configurar la verificación en dos pasos en su próximo inicio de sesión.',
  'staff.confirm_role_title': '¿Cambiar el rol de {name}?',
  'staff.confirm_role':
    '{name} pasa de {from} a {role}. Lo que puede hacer cambia de inmediato y sus sesiones terminan.',
  'staff.done_create': 'Cuenta creada para {name}.',
  'staff.done_disable': 'La cuenta de {name} está desactivada.',
  'staff.done_enable': 'La cuenta de {name} vuelve a estar activa.',
  'staff.done_reset': 'Se emitió una contraseña temporal para {name}.',
  'staff.done_unlock': 'La cuenta de {name} está desbloqueada.',
  'staff.done_2fa': 'Se restableció la verificación en dos pasos de {name}.',
  'staff.done_role': '{name} ahora es {role}.',
  'staff.temp_title': 'Contraseña temporal para {name}',
  'staff.temp_explain':
    'Entregue esta contraseña a {username} en persona. Sirve durante una hora y deberá elegir su propia contraseña al iniciar sesión.',
  'staff.temp_label': 'Contraseña temporal',
  'staff.temp_once': 'Solo se muestra ahora. Si se pierde, vuelva a restablecer la contraseña.',

  'staff.elsewhere_admin_area':
    'Este equipo está conectado a un servidor de sincronización: las altas, bajas, cambios de rol y el restablecimiento de la verificación en dos pasos se hacen en el área de administración.',
  'staff.elsewhere_server_admin':
    'Este equipo está conectado a un servidor de sincronización: un administrador da de baja a las personas, cambia roles y restablece la verificación en dos pasos en el servidor. Pídaselo a su administrador.',
  'staff.elsewhere_revoked':
    'Un administrador desconectó este equipo del servidor de sincronización: no se puede cambiar ninguna cuenta aquí hasta que se vuelva a conectar.',
  'staff.create_elsewhere_admin_area':
    'En un equipo conectado a un servidor de sincronización, las personas se añaden en el área de administración.',
  'staff.create_elsewhere_server_admin':
    'En un equipo conectado a un servidor de sincronización, las personas las añade un administrador en el servidor. Pídaselo a su administrador.',
  'staff.done_reset_unlocked':
    'Se emitió una contraseña temporal para {name} y su cuenta está desbloqueada.',
  'staff.confirm_reset_unlocks':
    'Esta cuenta está bloqueada por demasiados intentos fallidos: restablecer la contraseña también la desbloquea.',
  'staff.temp_unlocked':
    'La cuenta de {name} estaba bloqueada tras demasiados intentos fallidos. Este restablecimiento la desbloqueó, así que la contraseña temporal ya funciona.',
  'audit.title': 'Registro de auditoría',
  'audit.lead':
    'Todos los eventos de seguridad de este equipo, del más reciente al más antiguo. Las entradas no se pueden modificar.',
  'audit.filters': 'Filtros',
  'audit.person': 'Persona',
  'audit.anyone': 'Cualquiera',
  'audit.action': 'Acción',
  'audit.any_action': 'Cualquier acción',
  'audit.outcome': 'Resultado',
  'audit.any_outcome': 'Cualquier resultado',
  'audit.from': 'Desde',
  'audit.to': 'Hasta',
  'date.letters_day': 'dd',
  'date.letters_month': 'mm',
  'date.letters_year': 'aaaa',
  'date.invalid': 'Escriba una fecha como {pattern}.',
  'audit.clear': 'Quitar los filtros',
  'audit.export_csv': 'Exportar CSV',
  'audit.export_json': 'Exportar JSON',
  'audit.empty': 'Ninguna entrada coincide con estos filtros.',
  'audit.showing': 'Entradas {first}–{last} de {total}',
  'audit.pages': 'Páginas',
  'audit.page': 'Página {page} de {pages}',
  'audit.previous': 'Página anterior',
  'audit.next': 'Página siguiente',
  'audit.col_time': 'Hora',
  'audit.col_who': 'Por',
  'audit.col_target': 'Cuenta',
  'audit.col_details': 'Detalles',
  'audit.system': 'Keyholder',

  'verify.button': 'Verificar la cadena',
  'verify.checking': 'Verificando…',
  'verify.ok':
    'La cadena está intacta: {count, plural, one {# entrada comprobada} other {# entradas comprobadas}}.',
  'verify.broken': 'La cadena está rota en la entrada n.º {seq}: {reason}',
  'verify.sequence_gap': 'falta una entrada.',
  'verify.previous_hash_mismatch': 'no sigue a la entrada anterior.',
  'verify.hash_mismatch': 'su contenido se modificó.',
  'verify.mac_mismatch': 'su sello no coincide con la clave de este equipo.',
  'verify.unreadable': 'no se puede leer.',
  'verify.truncated': 'se eliminaron las entradas más recientes.',

  'outcome.success': 'Éxito',
  'outcome.failure': 'Fallo',
  'outcome.denied': 'Denegado',

  'action.setup.first_admin': 'Primer administrador creado',
  'action.auth.sign_in': 'Inicio de sesión',
  'action.auth.sign_out': 'Cierre de sesión',
  'action.auth.session_lock': 'Sesión bloqueada',
  'action.auth.session_unlock': 'Sesión desbloqueada',
  'action.auth.session_expired': 'Sesión terminada',
  'action.auth.lockout': 'Cuenta bloqueada por intentos fallidos',
  'action.account.create': 'Cuenta creada',
  'action.account.unlock': 'Cuenta desbloqueada',
  'action.account.disable': 'Cuenta desactivada',
  'action.account.enable': 'Cuenta activada',
  'action.account.role_change': 'Rol cambiado',
  'action.account.update': 'Cuenta actualizada',
  'action.password.change': 'Contraseña cambiada',
  'action.password.temporary_issued': 'Contraseña temporal emitida',
  'action.totp.enroll_start': 'Configuración en dos pasos iniciada',
  'action.totp.enroll': 'Verificación en dos pasos activada',
  'action.totp.disable': 'Verificación en dos pasos desactivada',
  'action.totp.reset': 'Verificación en dos pasos restablecida',
  'action.recovery_codes.generate': 'Códigos de recuperación creados',
  'action.recovery_code.use': 'Código de recuperación usado',
  'action.policy.change': 'Política cambiada',
  'action.time.anomaly': 'Reloj atrasado',
  'action.time.reanchor': 'Hora confirmada',
  'action.store.backup': 'Copia de seguridad realizada',
  'action.store.restore': 'Copia de seguridad restaurada',
  'action.permission.denied': 'Permiso denegado',
  'action.sync.connect': 'Conectado al servidor de sincronización',
  'action.sync.pull': 'Cambios recibidos del servidor',
  'action.sync.policy_refused': 'Política del servidor rechazada',
  'action.sync.account_change': 'Cambio de contraseña enviado al servidor',
  'action.account.remove': 'Cuenta eliminada',
  'action.integrity.tamper': 'Registro modificado fuera de Keyholder',
  'action.store.sign': 'Registros firmados',

  'account.title': 'Mi cuenta',
  'account.lead': '{name} ({username}), {role}',
  'account.password_title': 'Contraseña',
  'account.password_done':
    'Su contraseña se ha cambiado. Sus otras sesiones en este equipo han terminado.',
  'account.password_changed': 'Último cambio de contraseña: {date}.',
  'account.password_expires': 'Caduca el {date}.',
  'account.totp_title': 'Verificación en dos pasos',
  'account.totp_on': 'La verificación en dos pasos está activada.',
  'account.totp_off': 'La verificación en dos pasos está desactivada.',
  'account.totp_required': 'Su rol la exige.',
  'account.totp_enable': 'Activar la verificación en dos pasos',
  'account.totp_disable': 'Desactivar la verificación en dos pasos',
  'account.totp_disabled': 'La verificación en dos pasos está desactivada.',
  'account.codes_left': 'Códigos de recuperación restantes: {count}.',
  'account.codes_new': 'Obtener códigos de recuperación nuevos',
  'account.codes_saved':
    'Sus códigos de recuperación nuevos están activos; los anteriores ya no funcionan.',
  'account.confirm_password_hint': 'Para proteger su cuenta, vuelva a introducir su contraseña.',
  'account.history_title': 'Mis inicios de sesión recientes',
  'account.history_none': 'Todavía no hay inicios de sesión.',
  'account.sessions_title': 'Mis sesiones en este equipo',
  'account.session_started': 'Iniciada el {time}',
  'account.session_active': 'activa',
  'account.session_locked': 'bloqueada',
  'account.session_this': 'Esta sesión',

  // Sync (settings, first run, the status indicator).
  'sync.title': 'Servidor de sincronización',
  'sync.connect_title': 'Conectar a un servidor de sincronización',
  'sync.connect_lead':
    'Su administrador le da la dirección del servidor y un código de inscripción de un solo uso (válido 15 minutos). Las personas de la tienda y la política de contraseñas vendrán del servidor, y el registro de auditoría de este equipo también se guardará allí.',
  'sync.server_url': 'Dirección del servidor',
  'sync.server_url_hint': 'Por ejemplo https://sync.example.com',
  'sync.code': 'Código de inscripción',
  'sync.code_hint': 'Cuatro grupos de cuatro letras y cifras',
  'sync.device_name': 'Nombre de este equipo',
  'sync.device_name_hint':
    'Los administradores lo ven en la lista de equipos, por ejemplo «Caja principal».',
  'sync.connect': 'Conectar',
  'sync.connecting': 'Conectando y sincronizando…',
  'sync.connect_again': 'Volver a conectar',
  'sync.handover_warning':
    'Este equipo tiene personas propias. Antes de cambiar nada verá quién se traspasa a la tienda del servidor (con su contraseña y su autenticador), quién se conserva y a quién hay que asignar allí, y lo confirmará.',
  'sync.review': 'Revisar qué hace la conexión',
  'sync.reviewing': 'Consultando al servidor…',
  'sync.plan_title': 'Qué hace la conexión con {store}',
  'sync.plan_lead':
    'Todavía no ha cambiado nada: el código de inscripción solo se usa cuando confirme. Servidor: {server}.',
  'sync.plan_handed_over': 'Se traspasan a la tienda ({count})',
  'sync.plan_kept': 'Se conservan: gana la cuenta del servidor ({count})',
  'sync.plan_not_handed_over': 'Hay que asignarlas en el servidor ({count})',
  'sync.plan_nobody': 'Nadie.',
  'sync.plan_server_people': 'Ya asignadas a {store} en el servidor ({count})',
  'sync.plan_server_nobody': 'Todavía no hay nadie asignado a esta tienda en el servidor.',
  'sync.plan_role_change': '{from}, pasa a {to}',
  'sync.plan_you': 'usted',
  'sync.plan_no_way_in':
    'Después de conectar no tendría ninguna cuenta en esta tienda y quizá nadie pudiera iniciar sesión aquí: no es posible conectar. Si aquí no tiene dirección de correo, escriba una junto a su nombre; si no, pida a un administrador del servidor que le asigne a la tienda (con su nombre de usuario). Después compruebe de nuevo.',
  'sync.plan_email_for': 'Dirección de correo de {name} (para traspasarla)',
  'sync.plan_stale': 'Ha escrito una dirección: vuelva a comprobar el plan antes de confirmar.',
  'sync.plan_check_again': 'Comprobar el plan de nuevo',
  'sync.confirm_connect': 'Confirmar y conectar',
  'sync.reason_new': 'Sigue iniciando sesión aquí con la misma contraseña y el mismo autenticador.',
  'sync.reason_role_lowered':
    'Pasa a ser gerente de esta tienda (los administradores del servidor se crean en su área de administración). Misma contraseña y mismo autenticador.',
  'sync.reason_same_username':
    'Alguien con este nombre de usuario ya está asignado a la tienda: esa cuenta del servidor sustituye aquí a esta, con su propia contraseña.',
  'sync.reason_disabled': 'Desactivada en este equipo: no se traspasa y se quita de él.',
  'sync.reason_no_email':
    'Sin dirección de correo, que las cuentas del servidor necesitan: escriba una abajo para traspasarla; si no, se quita de este equipo hasta que un administrador la añada en el servidor.',
  'sync.reason_username_taken':
    'Otra cuenta del servidor tiene este nombre de usuario: se quita de este equipo hasta que un administrador la asigne en el servidor.',
  'sync.reason_email_taken':
    'Otra cuenta del servidor tiene esta dirección de correo: se quita de este equipo hasta que un administrador la asigne en el servidor.',
  'sync.reason_record_check_failed':
    'El registro de esta persona en este equipo no superó la comprobación de integridad: no se traspasa y se quita de él.',
  'sync.missing':
    'Indique la dirección del servidor, el código de inscripción y el nombre de este equipo.',
  'sync.admin_only':
    'Solo un administrador puede conectar este equipo a un servidor de sincronización.',
  'sync.connected': 'Conectado al servidor de sincronización. Inicie sesión con su cuenta.',
  'sync.state_idle': 'Sincronizado',
  'sync.state_syncing': 'Sincronizando…',
  'sync.state_offline': 'Sin conexión',
  'sync.state_error': 'Problema de sincronización',
  'sync.state_revoked': 'Desconectado por un administrador',
  'sync.never': 'Todavía no',
  'sync.server': 'Servidor',
  'sync.store': 'Tienda',
  'sync.last_sync': 'Última sincronización',
  'sync.next_sync': 'Próxima sincronización automática',
  'sync.pending': 'Entradas de auditoría pendientes de subir',
  'sync.pending_changes': 'Cambios de contraseña pendientes de subir',
  'sync.last_error': 'Último problema',
  'sync.sync_now': 'Sincronizar ahora',
  'sync.progress_upload': 'Subiendo: {done} de {total} entradas',
  'sync.progress_download': 'Descargando: página {done}',
  'sync.indicator_label': 'Estado de sincronización: ',
  'sync.indicator_waiting': '{count} pendientes',
  'sync.indicator_next': '{count} para la próxima sincronización',
  'sync.indicator_held': '{count} sin subir',
  'sync.next_try': 'Próximo intento',
  'sync.next_at': '{time} ({relative})',
  'sync.next_when_online': 'En cuanto vuelva la red',
  'sync.next_none_revoked': 'Ninguna: este equipo ya no se sincroniza',
  'sync.pending_held': 'Entradas de auditoría guardadas en este equipo',
  'sync.changes_held': 'Cambios de contraseña guardados en este equipo',
  'sync.revoked_explained':
    'Un administrador desconectó este equipo, así que ya no se sincroniza. Lo que registró y no se subió se queda aquí; solo se sube cuando un administrador vuelva a conectar este equipo con un nuevo código de registro.',
  'sync.pending_after_sync':
    '{count, plural, one {# entrada se registró} other {# entradas se registraron}} después de la última sincronización (un inicio de sesión, por ejemplo) y se subirán en la próxima.',
  'sync.standalone':
    'Este equipo no está conectado a un servidor de sincronización: guarda sus propias personas y política de contraseñas.',
  'setup.choose_title': '¿Cómo se usará este equipo?',
  'setup.choose_connect': 'Conectar a nuestro servidor de sincronización',
  'setup.choose_connect_hint':
    'Para tiendas franquiciadas: personas, política y auditoría se gestionan de forma central. Necesita un código de inscripción de su administrador.',
  'setup.choose_standalone': 'Configurar este equipo por separado',
  'setup.choose_standalone_hint':
    'Cree aquí el primer administrador. Puede conectarse a un servidor de sincronización más tarde en Configuración.',
  'setup.back': 'Volver',
  'error.server_unreachable':
    'No se pudo contactar con el servidor de sincronización. Este equipo sigue funcionando sin conexión y lo vuelve a intentar automáticamente.',
  'error.server_unavailable':
    'El servidor de sincronización no está disponible ahora. Este equipo sigue funcionando sin conexión y lo vuelve a intentar automáticamente.',
  'error.rate_limited':
    'El servidor de sincronización está ocupado. Este equipo lo vuelve a intentar en breve.',
  'error.tls_error':
    'No se pudo verificar la identidad del servidor de sincronización, así que Keyholder no se conectó. Pida a su contacto de informática que revise el certificado del servidor o la dirección.',
  'error.device_revoked':
    'Un administrador desconectó este equipo del servidor de sincronización. Vuelva a conectarlo con un nuevo código de inscripción.',
  'error.reconnect_other_server':
    'Sin nadie con la sesión iniciada, este equipo solo puede volver a conectarse al servidor de sincronización al que estaba conectado. Introduzca esa dirección y un nuevo código de inscripción.',
  'error.audit_log_diverged':
    'El registro de auditoría de este equipo ya no coincide con la copia del servidor de sincronización, normalmente porque el equipo se restauró desde una copia de seguridad antigua. Sigue iniciando sesiones y registrándolas aquí. Avise a un administrador: hay que desconectar este equipo en el servidor y configurarlo de nuevo como un equipo nuevo.',
  'error.audit_entry_refused':
    'Una entrada del registro de auditoría de este equipo contiene un valor que el servidor de sincronización no acepta (texto que no puede guardar o una fecha imposible), así que el registro no se puede enviar. La escribió una versión anterior de Keyholder. Este equipo sigue iniciando sesiones y registrándolas aquí. Avise a un administrador: hay que desconectar este equipo en el servidor y configurarlo de nuevo como un equipo nuevo.',
  'error.audit_text_refused':
    'No se hizo: contiene caracteres que no se pueden anotar en el registro de auditoría (como caracteres de control o de dirección del texto). Revise lo que escribió y vuelva a intentarlo.',
  'error.insecure_server_url':
    'La dirección del servidor de sincronización debe empezar por https://.',
  'error.invalid_server_url':
    'Esa no es una dirección de servidor válida. Tiene este aspecto: https://sync.example.com.',
  'error.enrollment_refused':
    'Este código de inscripción no es válido o ha caducado. Pida uno nuevo a su administrador.',
  'error.handover_not_confirmed':
    'Revise qué hace la conexión con las personas de este equipo y confírmelo. No se cambió nada.',
  'error.connect_no_way_in':
    'Al conectar se quedaría sin cuenta en esta tienda. Escriba en el plan una dirección de correo para usted si aquí no tiene ninguna, o pida a un administrador del servidor que le asigne a la tienda (con su nombre de usuario), y vuelva a conectar. No se cambió nada.',
  'error.handover_changed':
    'Las personas de esta tienda en el servidor cambiaron desde que se mostró el plan. No se cambió nada: revise el plan de nuevo.',
  'error.handover_no_way_in':
    'Quien conecta este equipo debe traspasarse o estar ya asignado a la tienda. No se cambió nada.',
  'error.device_exists':
    'Este equipo ya está inscrito. Un administrador debe revocarlo antes de volver a inscribirlo.',
  'error.server_admin_only':
    'Este equipo está conectado a un servidor de sincronización: un administrador añade personas, las da de baja, cambia roles y restablece la verificación en dos pasos en el servidor.',
  'error.managed_by_server':
    'Este equipo está conectado a un servidor de sincronización: las altas, bajas, roles y el restablecimiento de la verificación en dos pasos se hacen en el área de administración.',
  'error.policy_refused':
    'El servidor de sincronización envió una política de contraseñas en la que este equipo no puede confiar, así que no se aplicó. Avise a su administrador.',
  'error.credential_missing':
    'Falta la credencial de sincronización de este equipo en el llavero. Vuelva a conectarlo con un nuevo código de inscripción.',
  'error.bad_response':
    'El servidor de sincronización envió una respuesta que esta versión de Keyholder no entiende.',
  'settings.title': 'Ajustes',
  'settings.appearance': 'Apariencia e idioma',
  'settings.theme': 'Tema',
  'settings.theme_light': 'Claro',
  'settings.theme_dark': 'Oscuro',
  'settings.theme_system': 'Igual que el equipo',
  'settings.saved_here': 'Se guarda en este equipo para todas las personas que lo usan.',
  'settings.language': 'Idioma',
  'settings.about': 'Acerca de',
  'settings.version': 'Versión',
  'settings.mode': 'Modo',
  'settings.mode_standalone': 'Independiente (este equipo guarda sus propias cuentas y política)',
  'settings.mode_enrolled': 'Gestionado por el servidor de sincronización',

  'policy.title': 'Política de contraseñas e inicio de sesión',
  'policy.version': 'Versión de la política: {version}',
  'policy.profile': 'Perfil',
  'policy.min_length': 'Longitud mínima de la contraseña',
  'policy.composition': 'Tipos de caracteres obligatorios',
  'policy.letter': 'letra',
  'policy.digit': 'dígito',
  'policy.upper': 'mayúscula',
  'policy.lower': 'minúscula',
  'policy.none': 'ninguno',
  'policy.blocklist': 'Contraseñas comunes y previsibles rechazadas',
  'policy.min_strength': 'Solidez mínima aceptada',
  'policy.expiry': 'Caducidad de la contraseña',
  'policy.never': 'Nunca',
  'policy.days': '{days} días',
  'policy.threshold': 'Bloquear tras este número de intentos fallidos',
  'policy.duration': 'Duración del bloqueo',
  'policy.duration_minutes': 'Duración del bloqueo (minutos)',
  'policy.duration_hint':
    'Déjelo vacío para mantener la cuenta bloqueada hasta que un gerente la desbloquee.',
  'policy.until_unlocked': 'Hasta que un gerente la desbloquee',
  'policy.minutes': '{minutes} min',
  'policy.idle': 'Bloquear la pantalla tras una inactividad de',
  'policy.idle_minutes': 'Bloquear la pantalla tras una inactividad de (minutos)',
  'policy.totp': 'Verificación en dos pasos obligatoria',
  'policy.offline_hours':
    'Permite iniciar sesión sin conectar con el servidor durante un máximo de',
  'policy.offline_sign_ins': 'Inicios de sesión sin conectar con el servidor, como máximo',
  'policy.hours': '{hours} h',
  'policy.edit_title': 'Cambiar la política',
  'policy.role_to_edit': 'Rol que se cambia',
  'policy.save': 'Guardar la política',
  'policy.saved': 'Política guardada (versión {version}).',
  'policy.admins_only': 'Solo los administradores pueden cambiar la política.',
  'policy.managed': 'Este equipo recibe su política del servidor de sincronización. Cámbiela allí.',

  'error.retry_in': 'Puede volver a intentarlo dentro de {wait}.',
  'error.retry_now': 'Ya puede volver a intentarlo.',
  'error.invalid_credentials': 'El nombre de usuario o la contraseña no son correctos.',
  'error.account_locked':
    'Demasiados intentos fallidos. Esta cuenta está bloqueada por ahora; inténtelo más tarde o pida a un gerente que la desbloquee.',
  'error.account_locked_manual':
    'Demasiados intentos fallidos. Esta cuenta está bloqueada hasta que un gerente la desbloquee.',
  'error.throttled': 'Demasiados intentos. Espere un momento y vuelva a intentarlo.',
  'error.clock_problem':
    'El reloj de este equipo se atrasó, así que el inicio de sesión está en pausa. Pida a un administrador que confirme la hora o conéctese al servidor de sincronización.',
  'error.offline_limit_hours':
    'Este equipo lleva demasiado tiempo sin conectar con el servidor de sincronización. Conéctelo a la red y luego inicie sesión.',
  'error.offline_limit_sign_ins':
    'Este equipo ha alcanzado su límite de inicios de sesión sin conexión. Conéctelo a la red y luego inicie sesión.',
  'error.account_disabled': 'Esta cuenta está desactivada. Consulte a su gerente.',
  'error.temporary_password_expired':
    'Su contraseña temporal ha caducado. Pida una nueva a su gerente.',
  'error.invalid_code':
    'Ese código no es correcto. Compruebe la hora de su teléfono y vuelva a intentarlo.',
  'error.code_replayed':
    'Ese código ya se ha usado. Espere al siguiente código y vuelva a intentarlo.',
  'error.invalid_recovery_code': 'Ese código de recuperación no es válido o ya se ha usado.',
  'error.password_rejected': 'La contraseña nueva no cumple la política de contraseñas.',
  'error.session_locked': 'Esta sesión está bloqueada. Introduzca su contraseña para continuar.',
  'error.session_ended': 'Ha cerrado la sesión. Vuelva a iniciar sesión.',
  'error.session_expired': 'Su sesión ha terminado. Vuelva a iniciar sesión.',
  'error.forbidden': 'No tiene permiso para hacer esto.',
  'error.challenge_expired': 'Este inicio de sesión ha caducado. Empiece de nuevo.',
  'error.last_admin': 'Es el último administrador activo. Añada primero otro administrador.',
  'error.not_on_self': 'No puede hacer esto con su propia cuenta. Use Mi cuenta.',
  'error.username_taken': 'Ese nombre de usuario ya está en uso.',
  'error.invalid_username':
    'Los nombres de usuario tienen de 3 a 64 letras, dígitos, puntos, guiones, guiones bajos o @.',
  'error.totp_required':
    'Su rol exige la verificación en dos pasos, por lo que no se puede desactivar.',
  'error.totp_already_enabled':
    'La verificación en dos pasos ya está activada. Desactívela primero para pasarla a otro teléfono.',
  'error.totp_not_enabled': 'Active primero la verificación en dos pasos.',
  'error.invalid_request':
    'La solicitud no es válida. Revise lo que ha introducido y vuelva a intentarlo.',
  'error.invalid_policy': 'La política tiene valores fuera de los rangos permitidos.',
  'error.policy_managed':
    'Este equipo recibe su política del servidor de sincronización. Cámbiela allí.',
  'error.already_set_up': 'Este equipo ya está configurado.',
  'error.not_found': 'Esa cuenta no existe.',
  'error.store_unwritable':
    'No se puede escribir en el almacén de este equipo (disco lleno o de solo lectura). Libere espacio en el disco del equipo, o pida a quien se ocupa del equipo que vuelva a permitir la escritura en el disco, y vuelva a intentarlo.',
  'error.account_tampered':
    'El registro de esta cuenta en este PC se modificó fuera de Keyholder, así que no puede usarse aquí hasta que el PC se sincronice de nuevo con el servidor. Avisa a tu gerente.',
  'error.store_tampered':
    'Los datos de este PC se modificaron fuera de Keyholder, así que nadie puede iniciar sesión aquí. Pide a tu administrador que restablezca este equipo.',
  'error.sync_required':
    'No se pudieron verificar los registros de este PC, así que nadie puede iniciar sesión hasta que se sincronice con el servidor. Conéctalo a la red; se sincroniza solo.',
  'error.totp_managed':
    'La verificación en dos pasos de tu cuenta la gestiona el servidor de sincronización. Pide a un administrador que la restablezca.',
  'error.password_required': 'Confirma tu contraseña para hacer esto.',
  'error.store_check_failed':
    'No se pudieron verificar los registros de este PC, así que solo un administrador puede iniciar sesión. Un administrador inicia sesión y guarda de nuevo la política de contraseñas (Configuración).',
  'error.store_key_unreadable':
    'Tu clave de firma en este PC no se puede abrir con tu contraseña. Pide a un administrador que restablezca tu contraseña.',
  'stepup.title': 'Confirma tu contraseña',
  'stepup.body':
    'Los cambios en este PC se firman con tu clave, así que una copia de la tienda editada a mano no permite iniciar sesión a nadie. Escribe tu contraseña una vez para abrir tu clave en esta sesión.',
  'stepup.confirm': 'Confirmar',
  'error.password_key_missing':
    'Tu contraseña se estableció antes de esta versión de Keyholder. Cambia tu propia contraseña una vez (Mi cuenta) y vuelve a intentarlo.',
  'staff.confirm_your_password': 'Tu contraseña',
  'staff.confirm_reset_signed':
    'Escribe tu propia contraseña para confirmar: firma este cambio, así el servidor y los demás PC de la tienda saben que lo hiciste tú.',
  'error.offline_limit':
    'Este equipo debe contactar con el servidor de sincronización antes de que nadie inicie sesión. Conéctelo a la red y luego inicie sesión.',
  'error.store_corrupt':
    'El almacén local está dañado. Restaure la última copia de seguridad o pida ayuda a su administrador.',
  'error.store_schema_unknown':
    'Este almacén lo escribió una versión más nueva o distinta de Keyholder. Actualice Keyholder en este equipo y vuelva a intentarlo.',
  'error.store_profile_invalid':
    'El archivo de perfil de Keyholder de este equipo está dañado. Pida ayuda a su administrador.',
  'error.store_key_missing':
    'Falta la clave del almacén de este equipo en el llavero (o el llavero está bloqueado), así que no se puede abrir. Restaure el llavero o pida a su administrador que restablezca este dispositivo.',
  'error.store_key_invalid':
    'La clave del almacén en el llavero no es válida. Pida a su administrador que restablezca este dispositivo.',
  'error.store_key_mismatch':
    'El almacén local no se puede desbloquear con la clave del llavero de este equipo. Restaure una copia de seguridad hecha en este equipo o pida a su administrador que restablezca este dispositivo.',
  'error.keychain_key_missing':
    'Falta en el llavero una clave que este equipo necesita. Pida a su administrador que restablezca este dispositivo.',
  'error.keychain_unavailable':
    'El llavero del sistema no está disponible, así que Keyholder no puede abrir su almacén. Vuelva a iniciar sesión en el escritorio o reinicie el equipo; si sigue ocurriendo, pida al servicio informático que revise el llavero.',
  'error.backup_exists': 'Ya existe un archivo con ese nombre. Elija otro nombre.',
  'error.backup_unreadable':
    'Esa copia de seguridad no se puede leer en este equipo. Elija una copia hecha en este equipo.',
  'error.sync_failed':
    'La sincronización falló de forma inesperada. Se volverá a intentar más tarde.',
  'error.bad_server_key':
    'El servidor de sincronización no se identificó correctamente. Compruebe la dirección; este equipo no se ha conectado.',
  'error.audit_chain_broken':
    'El servidor de sincronización comprobó que el registro de auditoría de este equipo no es íntegro, así que no se ha subido. Este equipo sigue permitiendo iniciar sesión y registrándolo aquí. Avise a su administrador.',
  'error.sequence_gap':
    'El servidor de sincronización y este equipo no coinciden en qué entradas de auditoría se subieron. Se volverá a intentar más tarde.',
  'error.sync_refused':
    'El servidor de sincronización rechazó la solicitud. Si sigue ocurriendo, avise a su administrador.',
  'error.audit_unavailable':
    'Esta acción no se pudo anotar en el registro de auditoría, así que no se ha realizado.',
  'error.internal':
    'Algo ha fallado. Vuelva a intentarlo; si sigue ocurriendo, contacte con el soporte.',
  'error.network': 'Keyholder no responde. Compruebe que sigue en marcha y vuelva a intentarlo.',
  'error.unauthorized':
    'Esta página no está conectada a Keyholder. Abra la dirección que mostró Keyholder.',

  // Área de administración (renderer/features/admin).
  'admin.nav': 'Administración',
  'admin.title': 'Administración',
  'admin.lead': 'Tiendas, equipos, personas y políticas en el servidor de sincronización {server}.',
  'admin.not_connected':
    'Este equipo no está conectado a un servidor de sincronización. Conéctelo primero.',
  'admin.sections': 'Secciones de administración',
  'admin.section.stores': 'Tiendas y equipos',
  'admin.section.people': 'Personas',
  'admin.section.policies': 'Políticas',
  'admin.section.audit': 'Auditoría',
  'admin.section.analytics': 'Estadísticas',
  'admin.sign_out': 'Cerrar sesión en el servidor',
  'admin.signed_in_as': 'Sesión iniciada en el servidor como {name}.',
  'admin.never': 'Nunca',
  'admin.signin.title': 'Iniciar sesión en el servidor de sincronización',
  'admin.signin.lead':
    'Use su cuenta del servidor de sincronización ({server}). Su contraseña solo se usa para este inicio de sesión y no se guarda.',
  'admin.signin.email': 'Correo electrónico',
  'admin.signin.password': 'Contraseña',
  'admin.signin.code': 'Código de autenticación',
  'admin.signin.code_hint': 'El código de 6 dígitos de su app de autenticación.',
  'admin.signin.submit': 'Iniciar sesión en el servidor',
  'admin.stores.name': 'Nombre de la tienda',
  'admin.stores.brand': 'Marca',
  'admin.stores.create': 'Crear tienda',
  'admin.stores.created': 'Tienda {name} creada.',
  'admin.stores.none': 'Aún no hay tiendas.',
  'admin.stores.devices': 'Equipos activos',
  'admin.stores.people': 'Personas',
  'admin.stores.issue': 'Código de alta',
  'admin.stores.issue_for': 'Emitir un código de alta para {name}',
  'admin.stores.show_devices': 'Equipos',
  'admin.stores.devices_for': 'Equipos de {name}',
  'admin.code.title': 'Código de alta para {name}',
  'admin.code.lead':
    'Escriba este código en el equipo de la tienda al conectarlo. Sirve una sola vez y solo se muestra ahora.',
  'admin.code.copy': 'Copiar código',
  'admin.code.expires': 'Válido hasta {time}.',
  'admin.devices.title': 'Equipos de {name}',
  'admin.devices.none': 'No hay equipos dados de alta para esta tienda.',
  'admin.devices.name': 'Equipo',
  'admin.devices.last_sync': 'Última sincronización',
  'admin.devices.version': 'Versión de la app',
  'admin.devices.pending': 'Eventos pendientes',
  'admin.devices.status': 'Estado',
  'admin.devices.active': 'Activo',
  'admin.devices.revoked_badge': 'Revocado',
  'admin.devices.revoke': 'Revocar',
  'admin.devices.revoke_for': 'Revocar {name}',
  'admin.devices.revoked': '{name} está revocado. Su próxima solicitud será rechazada.',
  'admin.devices.confirm_title': '¿Revocar {name}?',
  'admin.devices.confirm_body':
    '{name} en {store} dejará de sincronizar y de recibir cambios. Para volver a usarlo, dele de alta con un código nuevo.',
  'admin.people.search': 'Buscar personas',
  'admin.people.none': 'Nadie coincide.',
  'admin.people.more': 'Mostrar más',
  'admin.people.create': 'Añadir persona',
  'admin.people.create_submit': 'Añadir',
  'admin.people.created': '{name} fue añadido y recibirá un correo para terminar la configuración.',
  'admin.people.name': 'Nombre',
  'admin.people.username': 'Usuario',
  'admin.people.email': 'Correo electrónico',
  'admin.people.email_hint': 'Allí recibirá un enlace para elegir una contraseña.',
  'admin.people.role': 'Rol',
  'admin.people.stores': 'Tiendas',
  'admin.people.status': 'Estado',
  'admin.people.pending': 'Invitado',
  'admin.people.active': 'Activo',
  'admin.people.disabled': 'Desactivado',
  'admin.people.manage_title': 'Gestionar a {name}',
  'admin.people.save_role': 'Guardar rol',
  'admin.people.save_stores': 'Guardar tiendas',
  'admin.people.disable': 'Desactivar cuenta',
  'admin.people.enable': 'Activar cuenta',
  'admin.people.role_done': '{name} ahora es {role}.',
  'admin.people.stores_done': 'Tiendas de {name} guardadas.',
  'admin.people.disabled_done': '{name} está desactivado.',
  'admin.people.enabled_done': '{name} está activado.',
  'admin.people.account_actions': 'Inicio de sesión y cuenta',
  'admin.people.resets_pending':
    'Los restablecimientos de contraseña y de verificación en dos pasos estarán disponibles cuando {name} haya confirmado su correo electrónico.',
  'admin.people.resets_disabled':
    'Active la cuenta para enviar a {name} un restablecimiento de contraseña o de verificación en dos pasos.',
  'admin.people.unlock': 'Desbloquear inicio de sesión',
  'admin.people.send_reset': 'Enviar restablecimiento de contraseña',
  'admin.people.reset_2fa': 'Restablecer verificación en dos pasos',
  'admin.people.resend_invite': 'Enviar la invitación de nuevo',
  'admin.people.invite_sent': 'Se envió una nueva invitación a {name} en {address}.',
  'admin.people.invite_mail_failed':
    'No se pudo enviar la invitación a {name} en {address}. Revise la configuración de correo del servidor e inténtelo de nuevo.',
  'admin.people.export': 'Exportar sus datos',
  'admin.people.exported': 'Los datos de {name} se guardaron como {filename}.',
  'admin.people.erase': 'Borrar persona',
  'admin.people.erase_submit': 'Borrar definitivamente',
  'admin.people.confirm_unlock_title': '¿Desbloquear el inicio de sesión de {name}?',
  'admin.people.confirm_unlock':
    'Si {name} quedó bloqueado en el servidor de sincronización tras demasiados intentos fallidos, podrá iniciar sesión de nuevo enseguida. Un bloqueo en un PC de tienda se levanta en ese PC, en Personal.',
  'admin.people.confirm_reset_title': '¿Enviar a {name} un restablecimiento de contraseña?',
  'admin.people.confirm_reset':
    '{name} recibe un correo con un enlace de un solo uso para elegir una contraseña nueva. Usted no la elige ni la ve. Su contraseña actual sigue funcionando hasta que use el enlace.',
  'admin.people.confirm_2fa_title': '¿Restablecer la verificación en dos pasos de {name}?',
  'admin.people.confirm_2fa':
    'Para un teléfono perdido o sustituido. El autenticador de {name} deja de funcionar, se cierran todas sus sesiones en el servidor de sincronización y recibe un correo con un enlace para configurar uno nuevo. Su contraseña no cambia.',
  'admin.people.confirm_erase_title': '¿Borrar a {name}?',
  'admin.people.confirm_erase_warning': 'Esto no se puede deshacer.',
  'admin.people.confirm_erase_account':
    'La cuenta de {name} se elimina del servidor de sincronización: se borran el nombre, el correo, el usuario, la contraseña, la verificación en dos pasos y las sesiones.',
  'admin.people.confirm_erase_stores':
    'Los PC de tienda desactivan la cuenta en su próxima sincronización.',
  'admin.people.confirm_erase_audit':
    'Las entradas de auditoría se conservan, con {name} sustituido por un seudónimo.',
  'admin.people.confirm_erase_type': 'Para confirmar, escriba su correo electrónico: {email}',
  'admin.people.confirm_erase_mismatch': 'No es {email}. Escríbalo exactamente para borrar.',
  'admin.people.unlocked': '{name} puede volver a iniciar sesión en el servidor de sincronización.',
  'admin.people.not_locked': '{name} no estaba bloqueado: no hay nada que desbloquear.',
  'admin.people.reset_sent':
    'Se envió a {name} un enlace para restablecer la contraseña a {address}.',
  'admin.people.reset_mail_failed':
    'No se pudo enviar el correo de restablecimiento a {address}. Inténtelo más tarde.',
  'admin.people.2fa_done':
    'Se restableció la verificación en dos pasos de {name}. Se envió un enlace para configurarla de nuevo a {address}.',
  'admin.people.2fa_mail_failed':
    'Se restableció la verificación en dos pasos de {name}, pero no se pudo enviar el correo a {address}. Recibirá un enlace nuevo la próxima vez que inicie sesión en el servidor de sincronización.',
  'admin.people.erased':
    '{name} fue borrado. Sus entradas de auditoría muestran ahora {pseudonym}.',
  'admin.policies.version': 'Versión {version}, publicada el {time}.',
  'admin.policies.profile_for': 'Perfil para {role}',
  'admin.policies.publish': 'Publicar política',
  'admin.policies.published':
    'La versión {version} está publicada. Los equipos de tienda la recibirán en su próxima sincronización.',
  'admin.policies.unchanged': 'Nada cambió: se mantiene la versión actual.',
  'admin.policies.reload': 'Recargar la política actual',
  'admin.policies.history': 'Versiones anteriores',
  'admin.policies.history_item': 'Versión {version}, {time}, por {name}',
  'admin.audit.store': 'Tienda',
  'admin.audit.any_store': 'Todas las tiendas',
  'admin.audit.time': 'Hora',
  'admin.audit.who': 'Quién',
  'admin.analytics.range': 'Periodo',
  'admin.analytics.last_days': 'Últimos {days} días',
  'admin.analytics.totals':
    'Inicios de sesión: {signIns}. Inicios fallidos: {failures}. Bloqueos: {lockouts}.',
  'admin.analytics.per_store': 'Inicios de sesión y fallos por tienda y día',
  'admin.analytics.no_activity': 'No hubo inicios de sesión en este periodo.',
  'admin.analytics.chart_summary':
    '{name}: {signIns} inicios de sesión y {failures} inicios fallidos en los últimos {days} días.',
  'admin.analytics.sign_ins': 'Inicios de sesión',
  'admin.analytics.failures': 'Inicios fallidos',
  'admin.analytics.show_figures': 'Mostrar las cifras',
  'admin.analytics.day': 'Día',
  'admin.analytics.lockouts': 'Bloqueos',
  'admin.analytics.no_lockouts': 'No hubo bloqueos en este periodo.',
  'admin.analytics.last': 'Último',
  'admin.analytics.unknown_name': 'Usuario desconocido',
  'admin.analytics.out_of_sync': 'Equipos sin sincronizar desde hace {hours} horas',
  'admin.analytics.all_in_sync': 'Todos los equipos se han sincronizado recientemente.',
  'admin.analytics.hours_ago': 'Hace {hours} horas',
  'admin.error.server_not_connected':
    'Este equipo no está conectado a un servidor de sincronización. Conéctelo primero.',
  'admin.error.server_sign_in_required':
    'Vuelva a iniciar sesión en el servidor de sincronización para continuar.',
  'admin.error.server_invalid_credentials':
    'El correo, la contraseña o el código no son correctos para el servidor de sincronización.',
  'admin.error.server_account_disabled':
    'Su cuenta en el servidor de sincronización está desactivada.',
  'admin.error.server_two_factor_setup':
    'Primero termine de configurar la verificación en dos pasos de su cuenta del servidor.',
  'admin.error.server_password_change_required':
    'Primero debe cambiar su contraseña del servidor de sincronización: es temporal o ha caducado. Inicie sesión en el equipo de su tienda para elegir una nueva y vuelva a iniciar sesión aquí.',
  'admin.error.policy_conflict':
    'Alguien publicó una política más reciente mientras usted editaba. Recárguela, revise los cambios y publique de nuevo.',
  'admin.error.server_username_taken':
    'Ese nombre de usuario ya se usa en el servidor de sincronización.',
  'admin.error.server_email_taken': 'Ese correo ya se usa en el servidor de sincronización.',
  'admin.error.server_last_admin':
    'Es el último administrador activo del servidor de sincronización. Añada otro administrador primero.',
  'admin.error.server_own_account':
    'Aquí no puede cambiar su propio rol ni su estado, restablecer su propia verificación en dos pasos ni borrar su propia cuenta.',
  'admin.error.server_confirmation_mismatch':
    'El correo escrito no es el actual de esta persona. No se borró nada.',
  'admin.error.server_person_disabled':
    'La cuenta de esta persona está desactivada. Actívela primero.',
  'admin.error.server_person_pending':
    'Esta persona aún no ha confirmado su correo electrónico, así que no hay nada que restablecer.',
  'admin.error.server_person_confirmed':
    'Esta persona ya confirmó su correo electrónico: no hay invitación que enviar.',
  'admin.error.server_stores_required': 'Elija al menos una tienda para esta persona.',
  'admin.error.server_unknown_store': 'Una de las tiendas elegidas ya no existe.',
  'admin.error.server_invalid_range':
    'Elija un periodo de un año como máximo, con el inicio antes del final.',
  'admin.error.server_invalid_request':
    'El servidor de sincronización rechazó lo introducido. Revíselo e inténtelo de nuevo.',
  'admin.error.forbidden': 'Su cuenta del servidor de sincronización no puede hacer esto.',
  'admin.error.server_not_found':
    'Eso ya no existe en el servidor de sincronización, o usted no puede verlo.',
  'admin.error.server_conflict':
    'Esto choca con un cambio hecho en el servidor de sincronización. Recargue e inténtelo de nuevo.',
  'admin.error.server_rate_limited':
    'Demasiados intentos en el servidor de sincronización. Espere un momento e inténtelo de nuevo.',
  'admin.error.server_error':
    'El servidor de sincronización no pudo hacerlo ahora. Inténtelo más tarde.',
  'admin.error.server_bad_response':
    'El servidor de sincronización dio una respuesta que Keyholder no entiende. Compruebe que el servidor esté actualizado.',
  'admin.error.server_tls':
    'No se pudo verificar el certificado de seguridad del servidor de sincronización, así que Keyholder no se conectó. Pida a su contacto de TI que lo revise.',
  'admin.error.server_unreachable':
    'No se puede contactar con el servidor de sincronización. Compruebe la conexión a internet e inténtelo de nuevo.',

  // Audit entry details in words (common/audit/audit-details.ts).
  ...auditWordsEs,
};
