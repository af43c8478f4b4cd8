import { auditWordsFr } from './audit-words.fr';
import type { Messages } from './messages.en';

/** Français. Every key of the English dictionary, translated. */
export const fr: Messages = {
  'common.cancel': 'Annuler',
  'common.close': 'Fermer',
  'common.continue': 'Continuer',
  'common.copy': 'Copier',
  'common.copied': 'Copié.',
  'common.copy_failed': 'Copie impossible. Sélectionnez le texte et copiez-le vous-même.',
  'common.dismiss': 'Masquer',
  'common.done': 'Terminé',
  'common.loading': 'Chargement…',
  'common.no': 'Non',
  'common.yes': 'Oui',
  'common.optional': 'Facultatif.',
  'common.retry': 'Réessayer',
  'common.working': 'Traitement…',
  'common.table_region': '{name} (tableau)',

  'nav.label': 'Principale',
  'nav.skip': 'Aller au contenu principal',
  'nav.home': 'Accueil',
  'nav.staff': 'Personnel',
  'nav.audit': "Journal d'audit",
  'nav.account': 'Mon compte',
  'nav.settings': 'Paramètres',
  'nav.lock': 'Verrouiller',
  'nav.switch_user': "Changer d'utilisateur",
  'nav.sign_out': 'Se déconnecter',

  'role.admin': 'Administrateur',
  'role.manager': 'Responsable',
  'role.viewer': 'Équipier',

  'notconnected.title': "Keyholder n'est pas connecté",
  'notconnected.token':
    "Ouvrez Keyholder avec l'adresse affichée à son démarrage (elle se termine par #token=…).",
  'notconnected.running': 'Vérifiez que Keyholder est toujours lancé, puis réessayez.',

  'setup.title': 'Configurer Keyholder',
  'setup.lead':
    "Il n'y a encore aucun compte sur cet ordinateur. Choisissez la politique de mots de passe, nommez le magasin et créez le premier administrateur.",
  'setup.policy_legend': 'Politique de mots de passe',
  'setup.store_legend': 'Magasin',
  'setup.store_name': 'Nom du magasin',
  'setup.brand_name': 'Nom de l’enseigne',
  'setup.admin_legend': 'Premier administrateur',
  'setup.submit': "Créer l'administrateur",
  'setup.missing':
    "Renseignez le nom du magasin, le nom complet, le nom d'utilisateur et le mot de passe.",

  'profile.standard': 'Standard',
  'profile.pci': 'PCI DSS',
  'profile.classic': 'Liste classique',
  'profile.recommended': 'Recommandé',
  'profile.standard_text':
    "Au moins 12 caractères, aucun type de caractère imposé, mots de passe courants et faciles à deviner refusés, pas d'expiration périodique. Conforme à NIST SP 800-63B.",
  'profile.pci_text':
    'Au moins 12 caractères avec lettres et chiffres, différent des 4 derniers, verrouillage de 30 minutes, expiration à 90 jours si la validation en deux étapes est désactivée.',
  'profile.classic_text':
    'Au moins 8 caractères avec majuscule, minuscule et chiffre, changé tous les 90 jours, différent des 5 derniers.',
  'profile.warning_title': 'Déconseillé',
  'profile.classic_warning':
    'Le profil Liste classique impose des règles de types de caractères et un changement tous les 90 jours. NIST SP 800-63B déconseille les deux : en pratique, ils conduisent à des mots de passe prévisibles (comme « Ete2024! ») et affaiblissent la sécurité. Il n’est proposé qu’aux clients dont les auditeurs l’exigent ; le profil Standard est recommandé.',

  'signin.title': 'Connexion',
  'signin.lead': 'Connectez-vous à Keyholder.',
  'signin.lead_store': 'Connectez-vous à Keyholder – {store}.',
  'signin.username': "Nom d'utilisateur",
  'signin.password': 'Mot de passe',
  'signin.submit': 'Se connecter',
  'signin.checking': 'Vérification…',
  'signin.missing': "Saisissez votre nom d'utilisateur et votre mot de passe.",
  'signin.forgot': 'Mot de passe oublié ?',
  'signin.forgot_standalone':
    'Mot de passe oublié ? Demandez à un responsable de le réinitialiser.',
  'signin.code': "Code d'authentification",
  'signin.code_title': "Saisissez votre code d'authentification",
  'signin.code_lead':
    "Ouvrez votre application d'authentification et saisissez le code à 6 chiffres qu'elle affiche pour Keyholder.",
  'signin.use_recovery': 'Utiliser un code de secours',
  'signin.use_code': "Utiliser plutôt un code d'authentification",
  'signin.recovery_title': 'Utiliser un code de secours',
  'signin.recovery_lead':
    "Saisissez l'un des codes de secours que vous avez conservés. Chaque code ne sert qu'une fois.",
  'signin.recovery_code': 'Code de secours',
  'signin.recovery_hint': 'Par exemple : abcde-fgh23',
  'signin.start_over': 'Recommencer',

  'parked.title': 'Également connectés sur cet ordinateur',
  'parked.hint':
    'Appuyez sur Reprendre pour continuer là où vous en étiez. Une nouvelle connexion ferme votre session précédente.',
  'parked.resume': 'Reprendre',
  'parked.resume_for': 'Reprendre la session de {name}',
  'parked.dialog_title': 'Reprendre la session de {name}',

  'change.title': 'Choisissez un nouveau mot de passe',
  'change.reason_temporary':
    'Vous vous êtes connecté avec un mot de passe temporaire. Choisissez votre propre mot de passe pour continuer.',
  'change.reason_required': 'Vous devez changer votre mot de passe avant de continuer.',
  'change.reason_expired': 'Votre mot de passe a expiré. Choisissez-en un nouveau pour continuer.',
  'change.submit': 'Enregistrer le nouveau mot de passe',

  'password.new': 'Nouveau mot de passe',
  'password.confirm_new': 'Confirmer le nouveau mot de passe',
  'password.confirm': 'Confirmer le mot de passe',
  'password.current': 'Mot de passe actuel',
  'password.mismatch': 'Les deux mots de passe ne correspondent pas.',
  'password.checking': 'Chargement des règles de mot de passe…',
  'password.strength': 'Robustesse :',
  'password.strength_0': 'Très faible',
  'password.strength_1': 'Faible',
  'password.strength_2': 'Moyenne',
  'password.strength_3': 'Robuste',
  'password.strength_4': 'Très robuste',
  'password.still_needed': 'Encore nécessaire :',
  'password.meets_policy': 'Ce mot de passe respecte la politique.',

  'violation.too_short': 'Utilisez au moins {min} caractères.',
  'violation.too_long': 'Utilisez au plus {max} caractères.',
  'violation.needs_letter': 'Incluez au moins une lettre.',
  'violation.needs_digit': 'Incluez au moins un chiffre.',
  'violation.needs_upper': 'Incluez au moins une lettre majuscule.',
  'violation.needs_lower': 'Incluez au moins une lettre minuscule.',
  'violation.common_password':
    'Ce mot de passe est trop courant et facile à deviner. Choisissez-en un moins prévisible.',
  'violation.context_word':
    "N'utilisez pas « {word} » : cela fait partie de votre nom, de votre nom d'utilisateur, de votre e-mail ou du nom du magasin ou de l'enseigne.",
  'violation.repetitive':
    'Ne répétez pas un caractère ni un groupe de caractères (comme « aaaa » ou « abcabc »).',
  'violation.sequential':
    "N'utilisez pas une suite de lettres ou de chiffres (comme « abcd », « 1234 » ou « 9876 »).",
  'violation.keyboard_walk':
    "N'utilisez pas des touches voisines sur le clavier (comme « azerty » ou « 1qaz2wsx »).",
  'violation.too_guessable':
    'Ce mot de passe est trop facile à deviner. Ajoutez un ou deux mots, ou rendez-le moins prévisible.',
  'violation.reused_one': 'Choisissez un mot de passe différent du précédent.',
  'violation.reused_many': 'Choisissez un mot de passe différent de vos {count} derniers.',

  'totp.title': 'Configurer la validation en deux étapes',
  'totp.lead_required':
    "Votre rôle exige un code d'une application d'authentification à chaque connexion. Configurez-la maintenant.",
  'totp.step_app':
    "Installez une application d'authentification sur votre téléphone (n'importe laquelle compatible TOTP).",
  'totp.step_scan':
    'Dans l’application, ajoutez un compte et scannez le code QR, ou saisissez la clé manuelle.',
  'totp.step_code': "Saisissez le code à 6 chiffres affiché par l'application.",
  'totp.qr_alt': "Code QR pour ajouter Keyholder à votre application d'authentification",
  'totp.manual_key': 'Clé manuelle',
  'totp.copy_key': 'Copier la clé',
  'totp.code_hint': 'Le code change toutes les 30 secondes.',
  'totp.confirm': 'Valider le code',

  'recovery.title': 'Conservez vos codes de secours',
  'recovery.explain':
    "Si vous perdez votre téléphone, chacun de ces codes permet de vous connecter une fois à la place d'un code d'authentification. Ils ne sont affichés que maintenant : gardez-les en lieu sûr, loin de cet ordinateur.",
  'recovery.list_label': 'Codes de secours',
  'recovery.copy': 'Copier les codes',
  'recovery.download': 'Télécharger le .txt',
  'recovery.print': 'Imprimer',
  'recovery.saved': 'Je les ai conservés',
  'recovery.file_title': 'Codes de secours Keyholder',
  'recovery.file_account': 'Compte : {name} ({username})',
  'recovery.file_store': 'Magasin : {store}',
  'recovery.file_date': 'Créés le {date}',
  'recovery.print_note':
    'Chaque code ne sert qu’une fois. Gardez cette feuille en lieu sûr ; de nouveaux codes la remplacent.',
  'recovery.file_note': "Chaque code ne sert qu'une fois. Gardez ce fichier en lieu sûr.",

  'lock.title': 'Cet ordinateur est verrouillé',
  'lock.lead': '{name} ({username}) est connecté. Saisissez le mot de passe pour continuer.',
  'lock.unlock': 'Déverrouiller',

  'home.greeting': 'Bonjour, {name}',
  'home.lead': '{role} – {store}',
  'home.shortcuts': 'Aller à',
  'home.staff_title': 'Personnel',
  'home.staff_text': 'Créer des comptes, réinitialiser, déverrouiller, désactiver.',
  'home.audit_title': "Journal d'audit",
  'home.audit_text': "Qui a fait quoi et quand, avec une vérification que rien n'a été modifié.",
  'home.account_title': 'Mon compte',
  'home.account_text':
    'Changer votre mot de passe, la validation en deux étapes, vos connexions récentes.',
  'home.policy_title': 'Politique de mots de passe',
  'home.policy_text': 'Règles de mot de passe, verrouillage et mise en veille pour chaque rôle.',
  'home.recovery_used':
    "Vous vous êtes connecté avec un code de secours. {count, plural, =0 {Il ne vous reste aucun code de secours} one {Il vous reste # code de secours} other {Il vous reste # codes de secours}} ; obtenez-en de nouveaux avant qu'ils ne s'épuisent.",
  'home.recovery_manage': 'Gérer les codes de secours',
  'home.time_title': "L'horloge de cet ordinateur a été reculée.",
  'home.time_admin':
    "La connexion est suspendue pour tous sauf les administrateurs. Si l'horloge affiche maintenant la bonne date et la bonne heure, confirmez-le.",
  'home.time_other':
    "La connexion est suspendue pour le personnel jusqu'à ce qu'un administrateur confirme l'heure.",
  'home.time_confirm': "Confirmer que l'horloge est juste",
  'home.time_confirmed': "Merci : l'heure est confirmée et la connexion fonctionne de nouveau.",

  'staff.title': 'Personnel',
  'staff.lead': 'Les personnes qui peuvent se connecter sur cet ordinateur.',
  'staff.create': 'Ajouter une personne',
  'staff.search': 'Rechercher dans le personnel',
  'staff.search_hint': "Nom, nom d'utilisateur ou e-mail.",
  'staff.none': 'Personne ne correspond à cette recherche.',
  'staff.count': '{count, plural, one {# personne} other {# personnes}}',
  'staff.col_name': 'Nom',
  'staff.col_status': 'État',
  'staff.col_last': 'Dernière connexion',
  'staff.col_actions': 'Actions',
  'staff.role': 'Rôle',
  'staff.never': 'Jamais',
  'staff.you': 'Vous',
  'staff.manage': 'Gérer',
  'staff.manage_for': 'Gérer {name}',
  'staff.manage_title': 'Gérer {name}',
  'staff.active': 'Actif',
  'staff.disabled': 'Désactivé',
  'staff.locked': 'Verrouillé',
  'staff.must_change': 'Doit changer son mot de passe',
  'staff.totp_on': 'Deux étapes activée',
  'staff.totp_off': 'Deux étapes désactivée',
  'staff.display_name': 'Nom complet',
  'staff.username_hint': 'De 3 à 64 lettres, chiffres, points, tirets, tirets bas ou @.',
  'staff.email': 'E-mail',
  'staff.create_title': 'Ajouter une personne',
  'staff.create_note':
    'Keyholder crée un mot de passe temporaire, affiché une seule fois. Il est valable une heure, et la personne choisit le sien à sa première connexion.',
  'staff.create_submit': 'Créer le compte',
  'staff.missing': "Renseignez le nom complet et le nom d'utilisateur.",
  'staff.new_role': 'Nouveau rôle',
  'staff.disable': 'Désactiver le compte',
  'staff.enable': 'Activer le compte',
  'staff.reset_password': 'Réinitialiser le mot de passe',
  'staff.unlock': 'Déverrouiller le compte',
  'staff.reset_2fa': 'Réinitialiser la validation en deux étapes',
  'staff.change_role': 'Changer le rôle',
  'staff.confirm_disable_title': 'Désactiver le compte de {name} ?',
  'staff.confirm_disable':
    '{name} ne pourra plus se connecter, et ses sessions sur cet ordinateur se terminent maintenant. Vous pourrez réactiver le compte plus tard.',
  'staff.confirm_reset_title': 'Réinitialiser le mot de passe de {name} ?',
  'staff.confirm_reset':
    'Son mot de passe actuel cesse de fonctionner et ses sessions se terminent. Vous recevrez un mot de passe temporaire à remettre à {name}.',
  'staff.confirm_2fa_title': 'Réinitialiser la validation en deux étapes de {name} ?',
  'staff.confirm_2fa':
    "Son application d'authentification et ses codes de secours cessent de fonctionner. Si son rôle l'exige, la personne reconfigure la validation en deux étapes à sa prochaine connexion.",
  'staff.confirm_role_title': 'Changer le rôle de {name} ?',
  'staff.confirm_role':
    '{name} passe de {from} à {role}. Ses droits changent immédiatement et ses sessions se terminent.',
  'staff.done_create': 'Compte créé pour {name}.',
  'staff.done_disable': 'Le compte de {name} est désactivé.',
  'staff.done_enable': 'Le compte de {name} est de nouveau actif.',
  'staff.done_reset': 'Un mot de passe temporaire a été émis pour {name}.',
  'staff.done_unlock': 'Le compte de {name} est déverrouillé.',
  'staff.done_2fa': 'La validation en deux étapes de {name} a été réinitialisée.',
  'staff.done_role': '{name} est maintenant {role}.',
  'staff.temp_title': 'Mot de passe temporaire pour {name}',
  'staff.temp_explain':
    'Remettez ce mot de passe en main propre à {username}. Il est valable une heure, et la personne devra choisir son propre mot de passe en se connectant.',
  'staff.temp_label': 'Mot de passe temporaire',
  'staff.temp_once':
    "Il n'est affiché que maintenant. S'il est perdu, réinitialisez de nouveau le mot de passe.",

  'staff.elsewhere_admin_area':
    'Cet ordinateur est connecté à un serveur de synchronisation : ajouts, désactivations, changements de rôle et réinitialisation de la validation en deux étapes se font dans l’espace d’administration.',
  'staff.elsewhere_server_admin':
    'Cet ordinateur est connecté à un serveur de synchronisation : un administrateur désactive les personnes, change les rôles et réinitialise la validation en deux étapes sur le serveur. Demandez-le à votre administrateur.',
  'staff.elsewhere_revoked':
    'Un administrateur a déconnecté cet ordinateur du serveur de synchronisation : aucun compte ne peut être modifié ici tant qu’il n’est pas reconnecté.',
  'staff.create_elsewhere_admin_area':
    'Sur un ordinateur connecté à un serveur de synchronisation, les personnes sont ajoutées dans l’espace d’administration.',
  'staff.create_elsewhere_server_admin':
    'Sur un ordinateur connecté à un serveur de synchronisation, les personnes sont ajoutées par un administrateur sur le serveur. Demandez-le à votre administrateur.',
  'staff.done_reset_unlocked':
    'Un mot de passe temporaire a été émis pour {name}, et son compte est déverrouillé.',
  'staff.confirm_reset_unlocks':
    'Ce compte est verrouillé à cause de trop nombreuses tentatives échouées : réinitialiser le mot de passe le déverrouille aussi.',
  'staff.temp_unlocked':
    'Le compte de {name} était verrouillé après trop de tentatives échouées. Cette réinitialisation l’a déverrouillé : le mot de passe temporaire fonctionne dès maintenant.',
  'audit.title': "Journal d'audit",
  'audit.lead':
    'Tous les événements de sécurité de cet ordinateur, du plus récent au plus ancien. Les entrées ne peuvent pas être modifiées.',
  'audit.filters': 'Filtres',
  'audit.person': 'Personne',
  'audit.anyone': "N'importe qui",
  'audit.action': 'Action',
  'audit.any_action': "N'importe quelle action",
  'audit.outcome': 'Résultat',
  'audit.any_outcome': "N'importe quel résultat",
  'audit.from': 'Du',
  'audit.to': 'Au',
  'date.letters_day': 'jj',
  'date.letters_month': 'mm',
  'date.letters_year': 'aaaa',
  'date.invalid': 'Saisissez une date au format {pattern}.',
  'audit.clear': 'Effacer les filtres',
  'audit.export_csv': 'Exporter en CSV',
  'audit.export_json': 'Exporter en JSON',
  'audit.empty': 'Aucune entrée ne correspond à ces filtres.',
  'audit.showing': 'Entrées {first} à {last} sur {total}',
  'audit.pages': 'Pages',
  'audit.page': 'Page {page} sur {pages}',
  'audit.previous': 'Page précédente',
  'audit.next': 'Page suivante',
  'audit.col_time': 'Heure',
  'audit.col_who': 'Par',
  'audit.col_target': 'Compte',
  'audit.col_details': 'Détails',
  'audit.system': 'Keyholder',

  'verify.button': 'Vérifier la chaîne',
  'verify.checking': 'Vérification…',
  'verify.ok':
    'La chaîne est intacte : {count, plural, one {# entrée vérifiée} other {# entrées vérifiées}}.',
  'verify.broken': "La chaîne est rompue à l'entrée n° {seq} : {reason}",
  'verify.sequence_gap': 'une entrée manque.',
  'verify.previous_hash_mismatch': "elle ne suit pas l'entrée précédente.",
  'verify.hash_mismatch': 'son contenu a été modifié.',
  'verify.mac_mismatch': 'son sceau ne correspond pas à la clé de cet ordinateur.',
  'verify.unreadable': 'elle est illisible.',
  'verify.truncated': 'les entrées les plus récentes ont été supprimées.',

  'outcome.success': 'Réussite',
  'outcome.failure': 'Échec',
  'outcome.denied': 'Refusé',

  'action.setup.first_admin': 'Premier administrateur créé',
  'action.auth.sign_in': 'Connexion',
  'action.auth.sign_out': 'Déconnexion',
  'action.auth.session_lock': 'Session verrouillée',
  'action.auth.session_unlock': 'Session déverrouillée',
  'action.auth.session_expired': 'Session terminée',
  'action.auth.lockout': 'Compte verrouillé après échecs',
  'action.account.create': 'Compte créé',
  'action.account.unlock': 'Compte déverrouillé',
  'action.account.disable': 'Compte désactivé',
  'action.account.enable': 'Compte activé',
  'action.account.role_change': 'Rôle changé',
  'action.account.update': 'Compte modifié',
  'action.password.change': 'Mot de passe changé',
  'action.password.temporary_issued': 'Mot de passe temporaire émis',
  'action.totp.enroll_start': 'Configuration en deux étapes commencée',
  'action.totp.enroll': 'Validation en deux étapes activée',
  'action.totp.disable': 'Validation en deux étapes désactivée',
  'action.totp.reset': 'Validation en deux étapes réinitialisée',
  'action.recovery_codes.generate': 'Codes de secours créés',
  'action.recovery_code.use': 'Code de secours utilisé',
  'action.policy.change': 'Politique modifiée',
  'action.time.anomaly': 'Horloge reculée',
  'action.time.reanchor': 'Heure confirmée',
  'action.store.backup': 'Sauvegarde effectuée',
  'action.store.restore': 'Sauvegarde restaurée',
  'action.permission.denied': 'Autorisation refusée',
  'action.sync.connect': 'Connecté au serveur de synchronisation',
  'action.sync.pull': 'Changements reçus du serveur',
  'action.sync.policy_refused': 'Politique du serveur refusée',
  'action.sync.account_change': 'Changement de mot de passe envoyé au serveur',
  'action.account.remove': 'Compte supprimé',
  'action.integrity.tamper': 'Donnée modifiée hors de Keyholder',
  'action.store.sign': 'Données signées',

  'account.title': 'Mon compte',
  'account.lead': '{name} ({username}), {role}',
  'account.password_title': 'Mot de passe',
  'account.password_done':
    'Votre mot de passe a été changé. Vos autres sessions sur cet ordinateur sont terminées.',
  'account.password_changed': 'Dernier changement de mot de passe : {date}.',
  'account.password_expires': 'Il expire le {date}.',
  'account.totp_title': 'Validation en deux étapes',
  'account.totp_on': 'La validation en deux étapes est activée.',
  'account.totp_off': 'La validation en deux étapes est désactivée.',
  'account.totp_required': "Votre rôle l'exige.",
  'account.totp_enable': 'Activer la validation en deux étapes',
  'account.totp_disable': 'Désactiver la validation en deux étapes',
  'account.totp_disabled': 'La validation en deux étapes est désactivée.',
  'account.codes_left': 'Codes de secours restants : {count}.',
  'account.codes_new': 'Obtenir de nouveaux codes de secours',
  'account.codes_saved':
    'Vos nouveaux codes de secours sont actifs ; les anciens ne fonctionnent plus.',
  'account.confirm_password_hint':
    'Pour protéger votre compte, saisissez de nouveau votre mot de passe.',
  'account.history_title': 'Mes connexions récentes',
  'account.history_none': 'Aucune connexion pour le moment.',
  'account.sessions_title': 'Mes sessions sur cet ordinateur',
  'account.session_started': 'Commencée le {time}',
  'account.session_active': 'active',
  'account.session_locked': 'verrouillée',
  'account.session_this': 'Cette session',

  // Sync (settings, first run, the status indicator).
  'sync.title': 'Serveur de synchronisation',
  'sync.connect_title': 'Se connecter à un serveur de synchronisation',
  'sync.connect_lead':
    'Votre administrateur vous donne l’adresse du serveur et un code d’inscription à usage unique (valable 15 minutes). Les personnes du magasin et la politique de mots de passe viennent ensuite du serveur, et le journal d’audit de cet ordinateur y est aussi conservé.',
  'sync.server_url': 'Adresse du serveur',
  'sync.server_url_hint': 'Par exemple https://sync.example.com',
  'sync.code': 'Code d’inscription',
  'sync.code_hint': 'Quatre groupes de quatre lettres et chiffres',
  'sync.device_name': 'Nom de cet ordinateur',
  'sync.device_name_hint':
    'Les administrateurs le voient dans la liste des appareils, par exemple « Caisse principale ».',
  'sync.connect': 'Se connecter',
  'sync.connecting': 'Connexion et synchronisation…',
  'sync.connect_again': 'Reconnecter',
  'sync.handover_warning':
    'Cet ordinateur a ses propres personnes. Avant tout changement, vous voyez qui est transféré au magasin du serveur (avec son mot de passe et son authentificateur), qui est conservé et qui doit y être affecté, et vous confirmez.',
  'sync.review': 'Voir ce que fait la connexion',
  'sync.reviewing': 'Interrogation du serveur…',
  'sync.plan_title': 'Ce que fait la connexion à {store}',
  'sync.plan_lead':
    'Rien n’a encore changé : le code d’inscription n’est utilisé que lorsque vous confirmez. Serveur : {server}.',
  'sync.plan_handed_over': 'Transférés au magasin ({count})',
  'sync.plan_kept': 'Conservés : le compte du serveur l’emporte ({count})',
  'sync.plan_not_handed_over': 'À affecter sur le serveur ({count})',
  'sync.plan_nobody': 'Personne.',
  'sync.plan_server_people': 'Déjà affectés à {store} sur le serveur ({count})',
  'sync.plan_server_nobody': 'Personne n’est encore affecté à ce magasin sur le serveur.',
  'sync.plan_role_change': '{from}, devient {to}',
  'sync.plan_you': 'vous',
  'sync.plan_no_way_in':
    'Après la connexion, vous n’auriez aucun compte dans ce magasin et plus personne ne pourrait peut-être se connecter ici : la connexion n’est pas possible. Si vous n’avez pas d’adresse e-mail ici, saisissez-en une à côté de votre nom ; sinon, demandez à un administrateur du serveur de vous affecter au magasin (avec votre nom d’utilisateur). Puis vérifiez à nouveau.',
  'sync.plan_email_for': 'Adresse e-mail de {name} (pour la transférer)',
  'sync.plan_stale': 'Vous avez saisi une adresse : vérifiez à nouveau le plan avant de confirmer.',
  'sync.plan_check_again': 'Vérifier à nouveau le plan',
  'sync.confirm_connect': 'Confirmer et connecter',
  'sync.reason_new':
    'Continue de se connecter ici avec le même mot de passe et le même authentificateur.',
  'sync.reason_role_lowered':
    'Devient responsable de ce magasin (les administrateurs du serveur sont créés dans son espace d’administration). Même mot de passe et même authentificateur.',
  'sync.reason_same_username':
    'Quelqu’un avec ce nom d’utilisateur est déjà affecté au magasin : ce compte du serveur remplace celui-ci ici, avec son propre mot de passe.',
  'sync.reason_disabled': 'Désactivé sur cet ordinateur : non transféré, et retiré de celui-ci.',
  'sync.reason_no_email':
    'Pas d’adresse e-mail, indispensable aux comptes du serveur : saisissez-en une ci-dessous pour la transférer ; sinon, retirée de cet ordinateur jusqu’à ce qu’un administrateur l’ajoute sur le serveur.',
  'sync.reason_username_taken':
    'Un autre compte du serveur a ce nom d’utilisateur : retiré de cet ordinateur jusqu’à ce qu’un administrateur l’affecte sur le serveur.',
  'sync.reason_email_taken':
    'Un autre compte du serveur a cette adresse e-mail : retiré de cet ordinateur jusqu’à ce qu’un administrateur l’affecte sur le serveur.',
  'sync.reason_record_check_failed':
    'La fiche de cette personne sur cet ordinateur n’a pas passé le contrôle d’intégrité : non transférée, et retirée de celui-ci.',
  'sync.missing':
    'Indiquez l’adresse du serveur, le code d’inscription et le nom de cet ordinateur.',
  'sync.admin_only':
    'Seul un administrateur peut connecter cet ordinateur à un serveur de synchronisation.',
  'sync.connected': 'Connecté au serveur de synchronisation. Connectez-vous avec votre compte.',
  'sync.state_idle': 'Synchronisé',
  'sync.state_syncing': 'Synchronisation…',
  'sync.state_offline': 'Hors ligne',
  'sync.state_error': 'Problème de synchronisation',
  'sync.state_revoked': 'Déconnecté par un administrateur',
  'sync.never': 'Pas encore',
  'sync.server': 'Serveur',
  'sync.store': 'Magasin',
  'sync.last_sync': 'Dernière synchronisation',
  'sync.next_sync': 'Prochaine synchronisation automatique',
  'sync.pending': 'Entrées d’audit en attente d’envoi',
  'sync.pending_changes': 'Changements de mot de passe en attente d’envoi',
  'sync.last_error': 'Dernier problème',
  'sync.sync_now': 'Synchroniser maintenant',
  'sync.progress_upload': 'Envoi : {done} sur {total} entrées',
  'sync.progress_download': 'Réception : page {done}',
  'sync.indicator_label': 'État de la synchronisation : ',
  'sync.indicator_waiting': '{count} en attente',
  'sync.indicator_next': '{count} pour la prochaine synchronisation',
  'sync.indicator_held': '{count} non envoyées',
  'sync.next_try': 'Prochain essai',
  'sync.next_at': '{time} ({relative})',
  'sync.next_when_online': 'Dès que le réseau revient',
  'sync.next_none_revoked': 'Aucune : cet ordinateur ne se synchronise plus',
  'sync.pending_held': 'Entrées d’audit conservées sur cet ordinateur',
  'sync.changes_held': 'Changements de mot de passe conservés sur cet ordinateur',
  'sync.revoked_explained':
    'Un administrateur a déconnecté cet ordinateur : il ne se synchronise plus. Ce qu’il a enregistré sans l’envoyer reste ici ; ce ne sera envoyé qu’après qu’un administrateur l’aura reconnecté avec un nouveau code d’inscription.',
  'sync.pending_after_sync':
    '{count, plural, one {# entrée a été enregistrée} other {# entrées ont été enregistrées}} après la dernière synchronisation (une connexion, par exemple) et {count, plural, one {sera envoyée} other {seront envoyées}} à la prochaine.',
  'sync.standalone':
    'Cet ordinateur n’est pas connecté à un serveur de synchronisation : il garde ses propres personnes et sa politique de mots de passe.',
  'setup.choose_title': 'Comment cet ordinateur sera-t-il utilisé ?',
  'setup.choose_connect': 'Se connecter à notre serveur de synchronisation',
  'setup.choose_connect_hint':
    'Pour les magasins franchisés : personnes, politique et audit sont gérés de façon centrale. Il vous faut un code d’inscription de votre administrateur.',
  'setup.choose_standalone': 'Configurer cet ordinateur seul',
  'setup.choose_standalone_hint':
    'Créez ici le premier administrateur. Vous pourrez vous connecter à un serveur de synchronisation plus tard dans les Paramètres.',
  'setup.back': 'Retour',
  'error.server_unreachable':
    'Le serveur de synchronisation est injoignable. Cet ordinateur continue de fonctionner hors ligne et réessaie automatiquement.',
  'error.server_unavailable':
    'Le serveur de synchronisation n’est pas disponible pour le moment. Cet ordinateur continue de fonctionner hors ligne et réessaie automatiquement.',
  'error.rate_limited':
    'Le serveur de synchronisation est occupé. Cet ordinateur réessaie bientôt.',
  'error.tls_error':
    'L’identité du serveur de synchronisation n’a pas pu être vérifiée : Keyholder ne s’est pas connecté. Demandez à votre contact informatique de vérifier le certificat du serveur ou l’adresse.',
  'error.device_revoked':
    'Un administrateur a déconnecté cet ordinateur du serveur de synchronisation. Reconnectez-le avec un nouveau code d’inscription.',
  'error.reconnect_other_server':
    'Sans personne de connecté, cet ordinateur ne peut être reconnecté qu’au serveur de synchronisation auquel il était connecté. Saisissez cette adresse et un nouveau code d’inscription.',
  'error.audit_log_diverged':
    'Le journal d’audit de cet ordinateur ne correspond plus à la copie du serveur de synchronisation, en général parce que l’ordinateur a été restauré depuis une ancienne sauvegarde. Il continue de connecter les personnes et de l’enregistrer ici. Prévenez un administrateur : cet ordinateur doit être déconnecté sur le serveur puis configuré de nouveau comme un nouvel ordinateur.',
  'error.audit_entry_refused':
    'Une entrée du journal d’audit de cet ordinateur contient une valeur que le serveur de synchronisation n’accepte pas (du texte qu’il ne peut pas enregistrer ou une date impossible) : le journal ne peut pas être envoyé. Elle a été écrite par une version antérieure de Keyholder. Cet ordinateur continue de connecter les personnes et de l’enregistrer ici. Prévenez un administrateur : cet ordinateur doit être déconnecté sur le serveur puis configuré de nouveau comme un nouvel ordinateur.',
  'error.audit_text_refused':
    'Rien n’a été fait : le texte contient des caractères qui ne peuvent pas être enregistrés dans le journal d’audit (caractères de contrôle ou de sens d’écriture, par exemple). Vérifiez votre saisie et réessayez.',
  'error.insecure_server_url':
    'L’adresse du serveur de synchronisation doit commencer par https://.',
  'error.invalid_server_url':
    'Ce n’est pas une adresse de serveur valide. Elle ressemble à https://sync.example.com.',
  'error.enrollment_refused':
    'Ce code d’inscription n’est pas valide ou a expiré. Demandez-en un nouveau à votre administrateur.',
  'error.handover_not_confirmed':
    'Vérifiez ce que fait la connexion aux personnes de cet ordinateur, puis confirmez. Rien n’a été modifié.',
  'error.connect_no_way_in':
    'La connexion vous laisserait sans compte dans ce magasin. Saisissez une adresse e-mail pour vous dans le plan si vous n’en avez pas ici, ou demandez à un administrateur du serveur de vous affecter au magasin (avec votre nom d’utilisateur), puis reconnectez. Rien n’a été modifié.',
  'error.handover_changed':
    'Les personnes de ce magasin sur le serveur ont changé depuis l’affichage du plan. Rien n’a été modifié : vérifiez à nouveau le plan.',
  'error.handover_no_way_in':
    'Qui connecte cet ordinateur doit être transféré ou déjà affecté au magasin. Rien n’a été modifié.',
  'error.device_exists':
    'Cet ordinateur est déjà inscrit. Un administrateur doit le révoquer avant de pouvoir l’inscrire à nouveau.',
  'error.server_admin_only':
    'Cet ordinateur est connecté à un serveur de synchronisation : un administrateur ajoute les personnes, les désactive, change les rôles et réinitialise la validation en deux étapes sur le serveur.',
  'error.managed_by_server':
    'Cet ordinateur est connecté à un serveur de synchronisation : ajouts, désactivations, rôles et réinitialisation de la validation en deux étapes se font dans l’espace d’administration.',
  'error.policy_refused':
    'Le serveur de synchronisation a envoyé une politique de mots de passe à laquelle cet ordinateur ne peut pas se fier : elle n’a pas été appliquée. Prévenez votre administrateur.',
  'error.credential_missing':
    'L’identifiant de synchronisation de cet ordinateur manque dans le trousseau. Reconnectez-le avec un nouveau code d’inscription.',
  'error.bad_response':
    'Le serveur de synchronisation a envoyé une réponse que cette version de Keyholder ne comprend pas.',
  'settings.title': 'Paramètres',
  'settings.appearance': 'Apparence et langue',
  'settings.theme': 'Thème',
  'settings.theme_light': 'Clair',
  'settings.theme_dark': 'Sombre',
  'settings.theme_system': "Comme l'ordinateur",
  'settings.saved_here': "Enregistré sur cet ordinateur pour toutes les personnes qui l'utilisent.",
  'settings.language': 'Langue',
  'settings.about': 'À propos',
  'settings.version': 'Version',
  'settings.mode': 'Mode',
  'settings.mode_standalone': 'Autonome (cet ordinateur gère ses propres comptes et sa politique)',
  'settings.mode_enrolled': 'Géré par le serveur de synchronisation',

  'policy.title': 'Politique de mots de passe et de connexion',
  'policy.version': 'Version de la politique : {version}',
  'policy.profile': 'Profil',
  'policy.min_length': 'Longueur minimale du mot de passe',
  'policy.composition': 'Types de caractères obligatoires',
  'policy.letter': 'lettre',
  'policy.digit': 'chiffre',
  'policy.upper': 'majuscule',
  'policy.lower': 'minuscule',
  'policy.none': 'aucun',
  'policy.blocklist': 'Mots de passe courants et prévisibles refusés',
  'policy.min_strength': 'Robustesse minimale acceptée',
  'policy.expiry': 'Expiration du mot de passe',
  'policy.never': 'Jamais',
  'policy.days': '{days} jours',
  'policy.threshold': "Verrouiller après ce nombre d'échecs",
  'policy.duration': 'Durée du verrouillage',
  'policy.duration_minutes': 'Durée du verrouillage (minutes)',
  'policy.duration_hint':
    "Laissez vide pour garder le compte verrouillé jusqu'à ce qu'un responsable le déverrouille.",
  'policy.until_unlocked': "Jusqu'au déverrouillage par un responsable",
  'policy.minutes': '{minutes} min',
  'policy.idle': "Verrouiller l'écran après une inactivité de",
  'policy.idle_minutes': "Verrouiller l'écran après une inactivité de (minutes)",
  'policy.totp': 'Validation en deux étapes obligatoire',
  'policy.offline_hours': 'Permet de se connecter sans joindre le serveur pendant au plus',
  'policy.offline_sign_ins': 'Connexions sans joindre le serveur, au plus',
  'policy.hours': '{hours} h',
  'policy.edit_title': 'Modifier la politique',
  'policy.role_to_edit': 'Rôle à modifier',
  'policy.save': 'Enregistrer la politique',
  'policy.saved': 'Politique enregistrée (version {version}).',
  'policy.admins_only': 'Seuls les administrateurs peuvent modifier la politique.',
  'policy.managed':
    'Cet ordinateur reçoit sa politique du serveur de synchronisation. Modifiez-la là-bas.',

  'error.retry_in': 'Vous pourrez réessayer dans {wait}.',
  'error.retry_now': 'Vous pouvez réessayer maintenant.',
  'error.invalid_credentials': "Le nom d'utilisateur ou le mot de passe est incorrect.",
  'error.account_locked':
    'Trop de tentatives échouées. Ce compte est verrouillé pour le moment ; réessayez plus tard ou demandez à un responsable de le déverrouiller.',
  'error.account_locked_manual':
    "Trop de tentatives échouées. Ce compte est verrouillé jusqu'à ce qu'un responsable le déverrouille.",
  'error.throttled': 'Trop de tentatives. Patientez un instant, puis réessayez.',
  'error.clock_problem':
    "L'horloge de cet ordinateur a été reculée : la connexion est suspendue. Demandez à un administrateur de confirmer l'heure, ou connectez-vous au serveur de synchronisation.",
  'error.offline_limit_hours':
    "Cet ordinateur n'a pas joint le serveur de synchronisation depuis trop longtemps. Connectez-le au réseau, puis connectez-vous.",
  'error.offline_limit_sign_ins':
    'Cet ordinateur a atteint sa limite de connexions hors ligne. Connectez-le au réseau, puis connectez-vous.',
  'error.account_disabled': 'Ce compte est désactivé. Adressez-vous à votre responsable.',
  'error.temporary_password_expired':
    'Votre mot de passe temporaire a expiré. Demandez-en un nouveau à votre responsable.',
  'error.invalid_code':
    "Ce code n'est pas le bon. Vérifiez l'heure de votre téléphone et réessayez.",
  'error.code_replayed': 'Ce code a déjà été utilisé. Attendez le code suivant et réessayez.',
  'error.invalid_recovery_code': "Ce code de secours n'est pas valide ou a déjà été utilisé.",
  'error.password_rejected': 'Le nouveau mot de passe ne respecte pas la politique.',
  'error.session_locked':
    'Cette session est verrouillée. Saisissez votre mot de passe pour continuer.',
  'error.session_ended': 'Vous êtes déconnecté. Reconnectez-vous.',
  'error.session_expired': 'Votre session est terminée. Reconnectez-vous.',
  'error.forbidden': "Vous n'avez pas l'autorisation de faire cela.",
  'error.challenge_expired': 'Cette connexion a expiré. Recommencez.',
  'error.last_admin':
    "C'est le dernier administrateur actif. Ajoutez d'abord un autre administrateur.",
  'error.not_on_self':
    'Vous ne pouvez pas faire cela sur votre propre compte. Utilisez Mon compte.',
  'error.username_taken': "Ce nom d'utilisateur est déjà utilisé.",
  'error.invalid_username':
    "Les noms d'utilisateur comptent de 3 à 64 lettres, chiffres, points, tirets, tirets bas ou @.",
  'error.totp_required':
    'Votre rôle exige la validation en deux étapes : elle ne peut pas être désactivée.',
  'error.totp_already_enabled':
    "La validation en deux étapes est déjà activée. Désactivez-la d'abord pour la passer sur un autre téléphone.",
  'error.totp_not_enabled': "Activez d'abord la validation en deux étapes.",
  'error.invalid_request': "La demande n'est pas valide. Vérifiez votre saisie et réessayez.",
  'error.invalid_policy': 'La politique contient des valeurs hors des limites autorisées.',
  'error.policy_managed':
    'Cet ordinateur reçoit sa politique du serveur de synchronisation. Modifiez-la là-bas.',
  'error.already_set_up': 'Cet ordinateur est déjà configuré.',
  'error.not_found': "Ce compte n'existe pas.",
  'error.store_unwritable':
    'Impossible d’écrire dans la base de cet ordinateur (disque plein ou en lecture seule). Libérez de la place sur le disque, ou demandez à la personne qui s’occupe de l’ordinateur de rendre le disque de nouveau accessible en écriture, puis réessayez.',
  'error.account_tampered':
    'La fiche de ce compte sur ce PC a été modifiée hors de Keyholder : il ne peut pas servir ici tant que le PC ne s’est pas resynchronisé avec le serveur. Prévenez votre responsable.',
  'error.store_tampered':
    'Les données de ce PC ont été modifiées hors de Keyholder : personne ne peut se connecter ici. Demandez à votre administrateur de réinitialiser cet appareil.',
  'error.sync_required':
    'Les données de ce PC n’ont pas pu être vérifiées : personne ne peut se connecter avant sa prochaine synchronisation avec le serveur. Connectez-le au réseau ; il se synchronise tout seul.',
  'error.totp_managed':
    'La validation en deux étapes de votre compte est gérée par le serveur de synchronisation. Demandez à un administrateur de la réinitialiser.',
  'error.password_required': 'Confirmez votre mot de passe pour faire ceci.',
  'error.store_check_failed':
    'Les enregistrements de ce PC n’ont pas pu être vérifiés : seul un administrateur peut se connecter. Un administrateur se connecte et enregistre de nouveau la politique de mots de passe (Paramètres).',
  'error.store_key_unreadable':
    'Votre clé de signature sur ce PC ne s’ouvre pas avec votre mot de passe. Demandez à un administrateur de réinitialiser votre mot de passe.',
  'stepup.title': 'Confirmez votre mot de passe',
  'stepup.body':
    'Les changements sur ce PC sont signés avec votre clé : une copie du magasin modifiée à la main ne connecte personne. Saisissez votre mot de passe une fois pour ouvrir votre clé pendant cette session.',
  'stepup.confirm': 'Confirmer',
  'error.password_key_missing':
    'Votre mot de passe date d’avant cette version de Keyholder. Changez une fois votre propre mot de passe (Mon compte), puis réessayez.',
  'staff.confirm_your_password': 'Votre mot de passe',
  'staff.confirm_reset_signed':
    'Saisissez votre propre mot de passe pour confirmer : il signe ce changement, pour que le serveur et les autres PC du magasin sachent que c’est vous.',
  'error.offline_limit':
    'Cet ordinateur doit joindre le serveur de synchronisation avant toute connexion. Connectez-le au réseau, puis connectez-vous.',
  'error.store_corrupt':
    'Le magasin local est endommagé. Restaurez la dernière sauvegarde ou demandez de l’aide à votre administrateur.',
  'error.store_schema_unknown':
    'Ce magasin a été écrit par une version plus récente ou différente de Keyholder. Mettez Keyholder à jour sur cet ordinateur, puis réessayez.',
  'error.store_profile_invalid':
    'Le fichier de profil Keyholder de cet ordinateur est endommagé. Demandez de l’aide à votre administrateur.',
  'error.store_key_missing':
    'La clé du magasin de cet ordinateur manque dans le trousseau (ou le trousseau est verrouillé) : il ne peut pas être ouvert. Restaurez le trousseau ou demandez à votre administrateur de réinitialiser cet appareil.',
  'error.store_key_invalid':
    'La clé du magasin dans le trousseau n’est pas valide. Demandez à votre administrateur de réinitialiser cet appareil.',
  'error.store_key_mismatch':
    'Le magasin local ne peut pas être déverrouillé avec la clé du trousseau de cet ordinateur. Restaurez une sauvegarde faite sur cet ordinateur ou demandez à votre administrateur de réinitialiser cet appareil.',
  'error.keychain_key_missing':
    'Une clé dont cet ordinateur a besoin manque dans le trousseau. Demandez à votre administrateur de réinitialiser cet appareil.',
  'error.keychain_unavailable':
    'Le trousseau du système est indisponible : Keyholder ne peut pas ouvrir son magasin. Reconnectez-vous au bureau ou redémarrez l’ordinateur ; si cela continue, demandez au service informatique de vérifier le trousseau.',
  'error.backup_exists': 'Un fichier de ce nom existe déjà. Choisissez un autre nom.',
  'error.backup_unreadable':
    'Cette sauvegarde ne peut pas être lue sur cet ordinateur. Choisissez une sauvegarde faite sur cet ordinateur.',
  'error.sync_failed':
    'La synchronisation a échoué de façon inattendue. Elle sera retentée plus tard.',
  'error.bad_server_key':
    'Le serveur de synchronisation ne s’est pas identifié correctement. Vérifiez l’adresse ; cet ordinateur n’a pas été connecté.',
  'error.audit_chain_broken':
    'Le serveur de synchronisation a constaté que le journal d’audit de cet ordinateur n’est pas intègre : il n’a pas été envoyé. Cet ordinateur continue d’accepter les connexions et de les enregistrer ici. Prévenez votre administrateur.',
  'error.sequence_gap':
    'Le serveur de synchronisation et cet ordinateur ne s’accordent pas sur les entrées d’audit envoyées. Ce sera retenté plus tard.',
  'error.sync_refused':
    'Le serveur de synchronisation a refusé la demande. Si cela continue, prévenez votre administrateur.',
  'error.audit_unavailable':
    'Cette action n’a pas pu être inscrite au journal d’audit : elle n’a donc pas été effectuée.',
  'error.internal':
    "Une erreur s'est produite. Réessayez ; si cela se reproduit, contactez l'assistance.",
  'error.network': 'Keyholder ne répond pas. Vérifiez qu’il est toujours lancé, puis réessayez.',
  'error.unauthorized':
    "Cette page n'est pas connectée à Keyholder. Ouvrez l'adresse affichée par Keyholder.",

  // Espace d’administration (renderer/features/admin).
  'admin.nav': 'Administration',
  'admin.title': 'Administration',
  'admin.lead':
    'Magasins, postes, personnes et politiques sur le serveur de synchronisation {server}.',
  'admin.not_connected':
    'Ce poste n’est pas connecté à un serveur de synchronisation. Connectez-le d’abord.',
  'admin.sections': 'Sections d’administration',
  'admin.section.stores': 'Magasins et postes',
  'admin.section.people': 'Personnes',
  'admin.section.policies': 'Politiques',
  'admin.section.audit': 'Audit',
  'admin.section.analytics': 'Statistiques',
  'admin.sign_out': 'Se déconnecter du serveur',
  'admin.signed_in_as': 'Connecté au serveur en tant que {name}.',
  'admin.never': 'Jamais',
  'admin.signin.title': 'Se connecter au serveur de synchronisation',
  'admin.signin.lead':
    'Utilisez votre compte du serveur de synchronisation ({server}). Votre mot de passe ne sert qu’à cette connexion et n’est pas conservé.',
  'admin.signin.email': 'E-mail',
  'admin.signin.password': 'Mot de passe',
  'admin.signin.code': 'Code d’authentification',
  'admin.signin.code_hint': 'Le code à 6 chiffres de votre application d’authentification.',
  'admin.signin.submit': 'Se connecter au serveur',
  'admin.stores.name': 'Nom du magasin',
  'admin.stores.brand': 'Enseigne',
  'admin.stores.create': 'Créer le magasin',
  'admin.stores.created': 'Magasin {name} créé.',
  'admin.stores.none': 'Aucun magasin pour l’instant.',
  'admin.stores.devices': 'Postes actifs',
  'admin.stores.people': 'Personnes',
  'admin.stores.issue': 'Code d’inscription',
  'admin.stores.issue_for': 'Émettre un code d’inscription pour {name}',
  'admin.stores.show_devices': 'Postes',
  'admin.stores.devices_for': 'Postes de {name}',
  'admin.code.title': 'Code d’inscription pour {name}',
  'admin.code.lead':
    'Saisissez ce code sur le poste du magasin pour le connecter. Il ne sert qu’une fois et n’est affiché que maintenant.',
  'admin.code.copy': 'Copier le code',
  'admin.code.expires': 'Valable jusqu’à {time}.',
  'admin.devices.title': 'Postes de {name}',
  'admin.devices.none': 'Aucun poste n’est inscrit pour ce magasin.',
  'admin.devices.name': 'Poste',
  'admin.devices.last_sync': 'Dernière synchronisation',
  'admin.devices.version': 'Version de l’application',
  'admin.devices.pending': 'Événements en attente',
  'admin.devices.status': 'État',
  'admin.devices.active': 'Actif',
  'admin.devices.revoked_badge': 'Révoqué',
  'admin.devices.revoke': 'Révoquer',
  'admin.devices.revoke_for': 'Révoquer {name}',
  'admin.devices.revoked': '{name} est révoqué. Sa prochaine requête sera refusée.',
  'admin.devices.confirm_title': 'Révoquer {name} ?',
  'admin.devices.confirm_body':
    '{name} à {store} ne se synchronisera plus et ne recevra plus de changements. Pour le réutiliser, inscrivez-le avec un nouveau code.',
  'admin.people.search': 'Rechercher des personnes',
  'admin.people.none': 'Personne ne correspond.',
  'admin.people.more': 'Afficher plus',
  'admin.people.create': 'Ajouter une personne',
  'admin.people.create_submit': 'Ajouter',
  'admin.people.created': '{name} a été ajouté et recevra un e-mail pour finir la configuration.',
  'admin.people.name': 'Nom',
  'admin.people.username': 'Nom d’utilisateur',
  'admin.people.email': 'E-mail',
  'admin.people.email_hint': 'Un lien lui sera envoyé pour choisir un mot de passe.',
  'admin.people.role': 'Rôle',
  'admin.people.stores': 'Magasins',
  'admin.people.status': 'État',
  'admin.people.pending': 'Invité',
  'admin.people.active': 'Actif',
  'admin.people.disabled': 'Désactivé',
  'admin.people.manage_title': 'Gérer {name}',
  'admin.people.save_role': 'Enregistrer le rôle',
  'admin.people.save_stores': 'Enregistrer les magasins',
  'admin.people.disable': 'Désactiver le compte',
  'admin.people.enable': 'Activer le compte',
  'admin.people.role_done': '{name} est maintenant {role}.',
  'admin.people.stores_done': 'Magasins de {name} enregistrés.',
  'admin.people.disabled_done': '{name} est désactivé.',
  'admin.people.enabled_done': '{name} est activé.',
  'admin.people.account_actions': 'Connexion et compte',
  'admin.people.resets_pending':
    'Les réinitialisations du mot de passe et de la validation en deux étapes seront proposées une fois que {name} aura confirmé son adresse e-mail.',
  'admin.people.resets_disabled':
    'Activez le compte pour envoyer à {name} une réinitialisation du mot de passe ou de la validation en deux étapes.',
  'admin.people.unlock': 'Débloquer la connexion',
  'admin.people.send_reset': 'Envoyer une réinitialisation du mot de passe',
  'admin.people.reset_2fa': 'Réinitialiser la validation en deux étapes',
  'admin.people.resend_invite': 'Renvoyer l’invitation',
  'admin.people.invite_sent': 'Une nouvelle invitation a été envoyée à {name} à {address}.',
  'admin.people.invite_mail_failed':
    'L’invitation à {name} n’a pas pu être envoyée à {address}. Vérifiez la configuration de messagerie du serveur puis réessayez.',
  'admin.people.export': 'Exporter ses données',
  'admin.people.exported': 'Les données de {name} ont été enregistrées sous {filename}.',
  'admin.people.erase': 'Effacer la personne',
  'admin.people.erase_submit': 'Effacer définitivement',
  'admin.people.confirm_unlock_title': 'Débloquer la connexion de {name} ?',
  'admin.people.confirm_unlock':
    'Si {name} a été bloqué sur le serveur de synchronisation après trop d’échecs, il pourra se reconnecter tout de suite. Un blocage sur un PC de magasin se lève sur ce PC, dans Personnel.',
  'admin.people.confirm_reset_title': 'Envoyer à {name} une réinitialisation du mot de passe ?',
  'admin.people.confirm_reset':
    '{name} reçoit un e-mail avec un lien à usage unique pour choisir un nouveau mot de passe. Vous ne le choisissez pas et ne le voyez pas. Son mot de passe actuel reste valable jusqu’à ce qu’il utilise le lien.',
  'admin.people.confirm_2fa_title': 'Réinitialiser la validation en deux étapes de {name} ?',
  'admin.people.confirm_2fa':
    'Pour un téléphone perdu ou remplacé. L’authentificateur de {name} cesse de fonctionner, toutes ses sessions sur le serveur de synchronisation sont fermées et il reçoit un e-mail avec un lien pour en configurer un nouveau. Son mot de passe ne change pas.',
  'admin.people.confirm_erase_title': 'Effacer {name} ?',
  'admin.people.confirm_erase_warning': 'Cette action est irréversible.',
  'admin.people.confirm_erase_account':
    'Le compte de {name} est supprimé du serveur de synchronisation : nom, e-mail, nom d’utilisateur, mot de passe, validation en deux étapes et sessions sont effacés.',
  'admin.people.confirm_erase_stores':
    'Les PC des magasins désactivent le compte à leur prochaine synchronisation.',
  'admin.people.confirm_erase_audit':
    'Les entrées d’audit sont conservées, {name} y étant remplacé par un pseudonyme.',
  'admin.people.confirm_erase_type': 'Pour confirmer, saisissez son adresse e-mail : {email}',
  'admin.people.confirm_erase_mismatch':
    'Ce n’est pas {email}. Saisissez-la exactement pour effacer.',
  'admin.people.unlocked': '{name} peut de nouveau se connecter au serveur de synchronisation.',
  'admin.people.not_locked': '{name} n’était pas bloqué : rien à débloquer.',
  'admin.people.reset_sent':
    'Un lien de réinitialisation du mot de passe a été envoyé à {name} à l’adresse {address}.',
  'admin.people.reset_mail_failed':
    'L’e-mail de réinitialisation à {address} n’a pas pu être envoyé. Réessayez plus tard.',
  'admin.people.2fa_done':
    'La validation en deux étapes de {name} a été réinitialisée. Un lien pour la configurer de nouveau a été envoyé à {address}.',
  'admin.people.2fa_mail_failed':
    'La validation en deux étapes de {name} a été réinitialisée, mais l’e-mail à {address} n’a pas pu être envoyé. Un nouveau lien lui sera envoyé à sa prochaine connexion au serveur de synchronisation.',
  'admin.people.erased':
    '{name} a été effacé. Ses entrées d’audit affichent désormais {pseudonym}.',
  'admin.policies.version': 'Version {version}, publiée le {time}.',
  'admin.policies.profile_for': 'Profil pour {role}',
  'admin.policies.publish': 'Publier la politique',
  'admin.policies.published':
    'La version {version} est publiée. Les postes des magasins la recevront à leur prochaine synchronisation.',
  'admin.policies.unchanged': 'Rien n’a changé : la version actuelle reste en place.',
  'admin.policies.reload': 'Recharger la politique actuelle',
  'admin.policies.history': 'Versions précédentes',
  'admin.policies.history_item': 'Version {version}, {time}, par {name}',
  'admin.audit.store': 'Magasin',
  'admin.audit.any_store': 'Tous les magasins',
  'admin.audit.time': 'Heure',
  'admin.audit.who': 'Qui',
  'admin.analytics.range': 'Période',
  'admin.analytics.last_days': '{days} derniers jours',
  'admin.analytics.totals':
    'Connexions : {signIns}. Connexions échouées : {failures}. Verrouillages : {lockouts}.',
  'admin.analytics.per_store': 'Connexions et échecs par magasin et par jour',
  'admin.analytics.no_activity': 'Aucune connexion sur cette période.',
  'admin.analytics.chart_summary':
    '{name} : {signIns} connexions et {failures} connexions échouées sur les {days} derniers jours.',
  'admin.analytics.sign_ins': 'Connexions',
  'admin.analytics.failures': 'Connexions échouées',
  'admin.analytics.show_figures': 'Afficher les chiffres',
  'admin.analytics.day': 'Jour',
  'admin.analytics.lockouts': 'Verrouillages',
  'admin.analytics.no_lockouts': 'Aucun verrouillage sur cette période.',
  'admin.analytics.last': 'Dernier',
  'admin.analytics.unknown_name': 'Nom d’utilisateur inconnu',
  'admin.analytics.out_of_sync': 'Postes non synchronisés depuis {hours} heures',
  'admin.analytics.all_in_sync': 'Tous les postes se sont synchronisés récemment.',
  'admin.analytics.hours_ago': 'Il y a {hours} heures',
  'admin.error.server_not_connected':
    'Ce poste n’est pas connecté à un serveur de synchronisation. Connectez-le d’abord.',
  'admin.error.server_sign_in_required':
    'Reconnectez-vous au serveur de synchronisation pour continuer.',
  'admin.error.server_invalid_credentials':
    'L’e-mail, le mot de passe ou le code n’est pas correct pour le serveur de synchronisation.',
  'admin.error.server_account_disabled':
    'Votre compte sur le serveur de synchronisation est désactivé.',
  'admin.error.server_two_factor_setup':
    'Terminez d’abord la configuration de la connexion en deux étapes de votre compte serveur.',
  'admin.error.server_password_change_required':
    'Vous devez d’abord changer votre mot de passe du serveur de synchronisation : il est temporaire ou a expiré. Connectez-vous sur l’ordinateur de votre magasin pour en choisir un nouveau, puis reconnectez-vous ici.',
  'admin.error.policy_conflict':
    'Quelqu’un a publié une politique plus récente pendant votre modification. Rechargez-la, vérifiez les changements, puis publiez à nouveau.',
  'admin.error.server_username_taken':
    'Ce nom d’utilisateur est déjà utilisé sur le serveur de synchronisation.',
  'admin.error.server_email_taken':
    'Cet e-mail est déjà utilisé sur le serveur de synchronisation.',
  'admin.error.server_last_admin':
    'C’est le dernier administrateur actif du serveur de synchronisation. Ajoutez d’abord un autre administrateur.',
  'admin.error.server_own_account':
    'Vous ne pouvez pas changer votre propre rôle ou état, réinitialiser votre propre validation en deux étapes ni effacer votre propre compte ici.',
  'admin.error.server_confirmation_mismatch':
    'L’adresse saisie n’est pas l’adresse actuelle de cette personne. Rien n’a été effacé.',
  'admin.error.server_person_disabled':
    'Le compte de cette personne est désactivé. Activez-le d’abord.',
  'admin.error.server_person_pending':
    'Cette personne n’a pas encore confirmé son adresse e-mail : il n’y a rien à réinitialiser.',
  'admin.error.server_person_confirmed':
    'Cette personne a déjà confirmé son adresse e-mail : il n’y a pas d’invitation à envoyer.',
  'admin.error.server_stores_required': 'Choisissez au moins un magasin pour cette personne.',
  'admin.error.server_unknown_store': 'Un des magasins choisis n’existe plus.',
  'admin.error.server_invalid_range':
    'Choisissez une période d’un an au plus, avec le début avant la fin.',
  'admin.error.server_invalid_request':
    'Le serveur de synchronisation a refusé la saisie. Vérifiez-la et réessayez.',
  'admin.error.forbidden': 'Votre compte du serveur de synchronisation ne peut pas faire cela.',
  'admin.error.server_not_found':
    'Cet élément n’existe plus sur le serveur de synchronisation, ou vous ne pouvez pas le voir.',
  'admin.error.server_conflict':
    'Cela entre en conflit avec un changement fait sur le serveur de synchronisation. Rechargez et réessayez.',
  'admin.error.server_rate_limited':
    'Trop de tentatives sur le serveur de synchronisation. Patientez un instant, puis réessayez.',
  'admin.error.server_error':
    'Le serveur de synchronisation n’a pas pu le faire pour l’instant. Réessayez plus tard.',
  'admin.error.server_bad_response':
    'Le serveur de synchronisation a donné une réponse que Keyholder ne comprend pas. Vérifiez que le serveur est à jour.',
  'admin.error.server_tls':
    'Le certificat de sécurité du serveur de synchronisation n’a pas pu être vérifié, donc Keyholder ne s’est pas connecté. Demandez à votre contact informatique de le vérifier.',
  'admin.error.server_unreachable':
    'Le serveur de synchronisation est injoignable. Vérifiez la connexion internet et réessayez.',

  // Audit entry details in words (common/audit/audit-details.ts).
  ...auditWordsFr,
};
