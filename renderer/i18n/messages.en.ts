import { auditWordsEn } from './audit-words.en';

/**
 * English: the reference dictionary. Every other language must have exactly these keys (the
 * `Messages` type enforces it). `{name}` placeholders are filled in by `t(key, params)`.
 */
export const en = {
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.continue': 'Continue',
  'common.copy': 'Copy',
  'common.copied': 'Copied.',
  'common.copy_failed': 'Could not copy. Select the text and copy it yourself.',
  'common.dismiss': 'Dismiss',
  'common.done': 'Done',
  'common.loading': 'Loading…',
  'common.no': 'No',
  'common.yes': 'Yes',
  'common.optional': 'Optional.',
  'common.retry': 'Try again',
  'common.working': 'Working…',
  'common.table_region': '{name} (table)',

  'nav.label': 'Main',
  'nav.skip': 'Skip to main content',
  'nav.home': 'Home',
  'nav.staff': 'Staff',
  'nav.audit': 'Audit log',
  'nav.account': 'My account',
  'nav.settings': 'Settings',
  'nav.lock': 'Lock',
  'nav.switch_user': 'Switch user',
  'nav.sign_out': 'Sign out',

  'role.admin': 'Administrator',
  'role.manager': 'Manager',
  'role.viewer': 'Crew',

  'notconnected.title': 'Keyholder is not connected',
  'notconnected.token':
    'Open Keyholder with the address it printed when it started (it ends with #token=…).',
  'notconnected.running': 'Check that Keyholder is still running, then try again.',

  'setup.title': 'Set up Keyholder',
  'setup.lead':
    'There are no accounts on this computer yet. Choose the password policy, name the store and create the first administrator.',
  'setup.policy_legend': 'Password policy',
  'setup.store_legend': 'Store',
  'setup.store_name': 'Store name',
  'setup.brand_name': 'Brand name',
  'setup.admin_legend': 'First administrator',
  'setup.submit': 'Create administrator',
  'setup.missing': 'Fill in the store name, the full name, the username and the password.',

  'profile.standard': 'Standard',
  'profile.pci': 'PCI DSS',
  'profile.classic': 'Classic checklist',
  'profile.recommended': 'Recommended',
  'profile.standard_text':
    'At least 12 characters, no forced character types, common and guessable passwords refused, no routine expiry. Follows NIST SP 800-63B.',
  'profile.pci_text':
    'At least 12 characters with letters and digits, not one of the last 4, 30-minute lockout, 90-day expiry when two-step sign-in is off.',
  'profile.classic_text':
    'At least 8 characters with upper case, lower case and a digit, changed every 90 days, not one of the last 5.',
  'profile.warning_title': 'Not recommended',
  'profile.classic_warning':
    'The Classic checklist profile requires character-type rules and a change every 90 days. NIST SP 800-63B advises against both: in practice they lead to predictable passwords (such as "Summer2024!") and weaken security. It is offered only for customers whose auditors require it; the Standard profile is recommended.',

  'signin.title': 'Sign in',
  'signin.lead': 'Sign in to Keyholder.',
  'signin.lead_store': 'Sign in to Keyholder at {store}.',
  'signin.username': 'Username',
  'signin.password': 'Password',
  'signin.submit': 'Sign in',
  'signin.checking': 'Checking…',
  'signin.missing': 'Enter your username and password.',
  'signin.forgot': 'Forgot password?',
  'signin.forgot_standalone': 'Forgot your password? Ask a manager to reset it.',
  'signin.code': 'Authentication code',
  'signin.code_title': 'Enter your authentication code',
  'signin.code_lead':
    'Open your authenticator app and enter the 6-digit code it shows for Keyholder.',
  'signin.use_recovery': 'Use a recovery code',
  'signin.use_code': 'Use an authentication code instead',
  'signin.recovery_title': 'Use a recovery code',
  'signin.recovery_lead': 'Enter one of the recovery codes you saved. Each code works once.',
  'signin.recovery_code': 'Recovery code',
  'signin.recovery_hint': 'For example: abcde-fgh23',
  'signin.start_over': 'Start over',

  'parked.title': 'Also signed in on this computer',
  'parked.hint':
    'Press Resume to carry on where you left off. Signing in again ends your earlier session.',
  'parked.resume': 'Resume',
  'parked.resume_for': 'Resume the session of {name}',
  'parked.dialog_title': 'Resume the session of {name}',

  'change.title': 'Choose a new password',
  'change.reason_temporary':
    'You signed in with a temporary password. Choose your own password to continue.',
  'change.reason_required': 'Your password must be changed before you continue.',
  'change.reason_expired': 'Your password has expired. Choose a new one to continue.',
  'change.submit': 'Save new password',

  'password.new': 'New password',
  'password.confirm_new': 'Confirm new password',
  'password.confirm': 'Confirm password',
  'password.current': 'Current password',
  'password.mismatch': 'The two passwords do not match.',
  'password.checking': 'Loading the password rules…',
  'password.strength': 'Strength:',
  'password.strength_0': 'Very weak',
  'password.strength_1': 'Weak',
  'password.strength_2': 'Fair',
  'password.strength_3': 'Strong',
  'password.strength_4': 'Very strong',
  'password.still_needed': 'Still needed:',
  'password.meets_policy': 'This password meets the policy.',

  'violation.too_short': 'Use at least {min} characters.',
  'violation.too_long': 'Use at most {max} characters.',
  'violation.needs_letter': 'Include at least one letter.',
  'violation.needs_digit': 'Include at least one digit.',
  'violation.needs_upper': 'Include at least one uppercase letter.',
  'violation.needs_lower': 'Include at least one lowercase letter.',
  'violation.common_password':
    'This password is too common and easy to guess. Choose a less predictable one.',
  'violation.context_word':
    'Don\'t use "{word}": it is part of your name, username, email, or the store or brand name.',
  'violation.repetitive':
    'Don\'t repeat a character or a group of characters (like "aaaa" or "abcabc").',
  'violation.sequential':
    'Don\'t use a sequence of letters or digits (like "abcd", "1234" or "9876").',
  'violation.keyboard_walk':
    'Don\'t use keys next to each other on the keyboard (like "qwerty" or "1qaz2wsx").',
  'violation.too_guessable':
    'This password is too easy to guess. Add another word or two, or make it less predictable.',
  'violation.reused_one': 'Choose a password different from your previous one.',
  'violation.reused_many': 'Choose a password different from your last {count} passwords.',

  'totp.title': 'Set up two-step sign-in',
  'totp.lead_required':
    'Your role requires a code from an authenticator app each time you sign in. Set it up now.',
  'totp.step_app': 'Install an authenticator app on your phone (any app that supports TOTP).',
  'totp.step_scan': 'In the app, add an account and scan the QR code, or type the manual key.',
  'totp.step_code': 'Enter the 6-digit code the app shows.',
  'totp.qr_alt': 'QR code to add Keyholder to your authenticator app',
  'totp.manual_key': 'Manual key',
  'totp.copy_key': 'Copy key',
  'totp.code_hint': 'The code changes every 30 seconds.',
  'totp.confirm': 'Confirm code',

  'recovery.title': 'Save your recovery codes',
  'recovery.explain':
    'If you lose your phone, each of these codes lets you sign in once instead of an authentication code. They are shown only now: keep them somewhere safe, away from this computer.',
  'recovery.list_label': 'Recovery codes',
  'recovery.copy': 'Copy codes',
  'recovery.download': 'Download .txt',
  'recovery.print': 'Print',
  'recovery.saved': 'I have saved them',
  'recovery.file_title': 'Keyholder recovery codes',
  'recovery.file_account': 'Account: {name} ({username})',
  'recovery.file_store': 'Store: {store}',
  'recovery.file_date': 'Made on {date}',
  'recovery.print_note':
    'Each code works once. Keep this sheet somewhere safe; new codes replace it.',
  'recovery.file_note': 'Each code works once. Keep this file somewhere safe.',

  'lock.title': 'This computer is locked',
  'lock.lead': '{name} ({username}) is signed in. Enter the password to continue.',
  'lock.unlock': 'Unlock',

  'home.greeting': 'Hello, {name}',
  'home.lead': '{role} at {store}',
  'home.shortcuts': 'Go to',
  'home.staff_title': 'Staff',
  'home.staff_text': 'Create accounts, reset passwords, unlock, disable.',
  'home.audit_title': 'Audit log',
  'home.audit_text': 'Who did what and when, with a check that nothing was altered.',
  'home.account_title': 'My account',
  'home.account_text': 'Change your password, two-step sign-in, your recent sign-ins.',
  'home.policy_title': 'Password policy',
  'home.policy_text': 'Password rules, lockout and idle lock for each role.',
  'home.recovery_used':
    'You signed in with a recovery code. You have {count, plural, =0 {no recovery codes} one {# recovery code} other {# recovery codes}} left; get new ones before they run out.',
  'home.recovery_manage': 'Manage recovery codes',
  'home.time_title': 'The clock of this computer was set back.',
  'home.time_admin':
    'Sign-in is paused for everyone except administrators. If the clock now shows the right date and time, confirm it.',
  'home.time_other': 'Sign-in is paused for staff until an administrator confirms the time.',
  'home.time_confirm': 'Confirm the clock is right',
  'home.time_confirmed': 'Thank you: the time is confirmed and sign-in works again.',

  'staff.title': 'Staff',
  'staff.lead': 'The people who can sign in on this computer.',
  'staff.create': 'Add a person',
  'staff.search': 'Search staff',
  'staff.search_hint': 'Name, username or email.',
  'staff.none': 'Nobody matches this search.',
  'staff.count': '{count, plural, one {# person} other {# people}}',
  'staff.col_name': 'Name',
  'staff.col_status': 'Status',
  'staff.col_last': 'Last sign-in',
  'staff.col_actions': 'Actions',
  'staff.role': 'Role',
  'staff.never': 'Never',
  'staff.you': 'You',
  'staff.manage': 'Manage',
  'staff.manage_for': 'Manage {name}',
  'staff.manage_title': 'Manage {name}',
  'staff.active': 'Active',
  'staff.disabled': 'Disabled',
  'staff.locked': 'Locked',
  'staff.must_change': 'Must change password',
  'staff.totp_on': 'Two-step on',
  'staff.totp_off': 'Two-step off',
  'staff.display_name': 'Full name',
  'staff.username_hint': '3 to 64 letters, digits, dots, dashes, underscores or @.',
  'staff.email': 'Email',
  'staff.create_title': 'Add a person',
  'staff.create_note':
    'Keyholder creates a temporary password, shown once. It works for one hour, and the person chooses their own at first sign-in.',
  'staff.create_submit': 'Create account',
  'staff.missing': 'Fill in the full name and the username.',
  'staff.new_role': 'New role',
  'staff.disable': 'Disable account',
  'staff.enable': 'Enable account',
  'staff.reset_password': 'Reset password',
  'staff.unlock': 'Unlock account',
  'staff.reset_2fa': 'Reset two-step sign-in',
  'staff.change_role': 'Change role',
  'staff.confirm_disable_title': 'Disable the account of {name}?',
  'staff.confirm_disable':
    '{name} will no longer be able to sign in, and their sessions on this computer end now. You can enable the account again later.',
  'staff.confirm_reset_title': 'Reset the password of {name}?',
  'staff.confirm_reset':
    'Their current password stops working and their sessions end. You will get a temporary password to give to {name}.',
  'staff.confirm_2fa_title': 'Reset two-step sign-in for {name}?',
  'staff.confirm_2fa':
    'Their authenticator app and recovery codes stop working. If their role requires it, they set up two-step sign-in again at their next sign-in.',
  'staff.confirm_role_title': 'Change the role of {name}?',
  'staff.confirm_role':
    '{name} goes from {from} to {role}. What they can do changes at once and their sessions end.',
  'staff.done_create': 'Account created for {name}.',
  'staff.done_disable': 'The account of {name} is disabled.',
  'staff.done_enable': 'The account of {name} is enabled again.',
  'staff.done_reset': 'A temporary password was issued for {name}.',
  'staff.done_unlock': 'The account of {name} is unlocked.',
  'staff.done_2fa': 'Two-step sign-in was reset for {name}.',
  'staff.done_role': '{name} is now {role}.',
  'staff.temp_title': 'Temporary password for {name}',
  'staff.temp_explain':
    'Give this password to {username} in person. It works for one hour, and they must choose their own password when they sign in.',
  'staff.temp_label': 'Temporary password',
  'staff.temp_once': 'It is shown only now. If it is lost, reset the password again.',

  'staff.elsewhere_admin_area':
    'This computer is connected to a sync server: adding people, disabling them, changing roles and resetting two-step sign-in are done in the Admin area.',
  'staff.elsewhere_server_admin':
    'This computer is connected to a sync server: an administrator disables people, changes roles and resets two-step sign-in on the server. Ask your administrator.',
  'staff.elsewhere_revoked':
    'An administrator disconnected this computer from the sync server: no account can be changed here until it is connected again.',
  'staff.create_elsewhere_admin_area':
    'On a computer connected to a sync server, people are added in the Admin area.',
  'staff.create_elsewhere_server_admin':
    'On a computer connected to a sync server, people are added by an administrator on the server. Ask your administrator.',
  'staff.done_reset_unlocked':
    'A temporary password was issued for {name}, and their account is unlocked.',
  'staff.confirm_reset_unlocks':
    'This account is locked because of too many failed attempts: resetting the password also unlocks it.',
  'staff.temp_unlocked':
    'The account of {name} was locked after too many failed attempts. This reset unlocked it, so the temporary password works now.',
  'audit.title': 'Audit log',
  'audit.lead': 'Every security event on this computer, newest first. Entries cannot be changed.',
  'audit.filters': 'Filters',
  'audit.person': 'Person',
  'audit.anyone': 'Anyone',
  'audit.action': 'Action',
  'audit.any_action': 'Any action',
  'audit.outcome': 'Outcome',
  'audit.any_outcome': 'Any outcome',
  'audit.from': 'From',
  'audit.to': 'To',
  'date.letters_day': 'dd',
  'date.letters_month': 'mm',
  'date.letters_year': 'yyyy',
  'date.invalid': 'Type a date as {pattern}.',
  'audit.clear': 'Clear filters',
  'audit.export_csv': 'Export CSV',
  'audit.export_json': 'Export JSON',
  'audit.empty': 'No entries match these filters.',
  'audit.showing': 'Entries {first}–{last} of {total}',
  'audit.pages': 'Pages',
  'audit.page': 'Page {page} of {pages}',
  'audit.previous': 'Previous page',
  'audit.next': 'Next page',
  'audit.col_time': 'Time',
  'audit.col_who': 'By',
  'audit.col_target': 'Account',
  'audit.col_details': 'Details',
  'audit.system': 'Keyholder',

  'verify.button': 'Verify chain',
  'verify.checking': 'Verifying…',
  'verify.ok': 'The chain is intact: {count, plural, one {# entry} other {# entries}} checked.',
  'verify.broken': 'The chain is broken at entry #{seq}: {reason}',
  'verify.sequence_gap': 'an entry is missing.',
  'verify.previous_hash_mismatch': 'it does not follow the entry before it.',
  'verify.hash_mismatch': 'its content was changed.',
  'verify.mac_mismatch': 'its seal does not match this computer’s key.',
  'verify.unreadable': 'it cannot be read.',
  'verify.truncated': 'the newest entries were removed.',

  'outcome.success': 'Success',
  'outcome.failure': 'Failure',
  'outcome.denied': 'Denied',

  'action.setup.first_admin': 'First administrator created',
  'action.auth.sign_in': 'Sign-in',
  'action.auth.sign_out': 'Sign-out',
  'action.auth.session_lock': 'Session locked',
  'action.auth.session_unlock': 'Session unlocked',
  'action.auth.session_expired': 'Session ended',
  'action.auth.lockout': 'Account locked out',
  'action.account.create': 'Account created',
  'action.account.unlock': 'Account unlocked',
  'action.account.disable': 'Account disabled',
  'action.account.enable': 'Account enabled',
  'action.account.role_change': 'Role changed',
  'action.account.update': 'Account updated',
  'action.password.change': 'Password changed',
  'action.password.temporary_issued': 'Temporary password issued',
  'action.totp.enroll_start': 'Two-step setup started',
  'action.totp.enroll': 'Two-step sign-in turned on',
  'action.totp.disable': 'Two-step sign-in turned off',
  'action.totp.reset': 'Two-step sign-in reset',
  'action.recovery_codes.generate': 'Recovery codes created',
  'action.recovery_code.use': 'Recovery code used',
  'action.policy.change': 'Policy changed',
  'action.time.anomaly': 'Clock set back',
  'action.time.reanchor': 'Time confirmed',
  'action.store.backup': 'Backup made',
  'action.store.restore': 'Backup restored',
  'action.permission.denied': 'Permission denied',
  'action.sync.connect': 'Connected to sync server',
  'action.sync.pull': 'Changes received from server',
  'action.sync.policy_refused': 'Server policy refused',
  'action.sync.account_change': 'Password change sent to server',
  'action.account.remove': 'Account removed',
  'action.integrity.tamper': 'Record changed outside Keyholder',
  'action.store.sign': 'Records signed',

  'account.title': 'My account',
  'account.lead': '{name} ({username}), {role}',
  'account.password_title': 'Password',
  'account.password_done':
    'Your password has been changed. Your other sessions on this computer have ended.',
  'account.password_changed': 'Password last changed on {date}.',
  'account.password_expires': 'It expires on {date}.',
  'account.totp_title': 'Two-step sign-in',
  'account.totp_on': 'Two-step sign-in is on.',
  'account.totp_off': 'Two-step sign-in is off.',
  'account.totp_required': 'Your role requires it.',
  'account.totp_enable': 'Turn on two-step sign-in',
  'account.totp_disable': 'Turn off two-step sign-in',
  'account.totp_disabled': 'Two-step sign-in is off.',
  'account.codes_left': 'Recovery codes left: {count}.',
  'account.codes_new': 'Get new recovery codes',
  'account.codes_saved': 'Your new recovery codes are active; the old ones no longer work.',
  'account.confirm_password_hint': 'To protect your account, enter your password again.',
  'account.history_title': 'My recent sign-ins',
  'account.history_none': 'No sign-ins yet.',
  'account.sessions_title': 'My sessions on this computer',
  'account.session_started': 'Started {time}',
  'account.session_active': 'active',
  'account.session_locked': 'locked',
  'account.session_this': 'This session',

  // Sync (settings, first run, the status indicator).
  'sync.title': 'Sync server',
  'sync.connect_title': 'Connect to a sync server',
  'sync.connect_lead':
    'Your administrator gives you the server address and a one-time enrollment code (valid for 15 minutes). The store’s people and password policy then come from the server, and this computer’s audit log is kept there too.',
  'sync.server_url': 'Server address',
  'sync.server_url_hint': 'For example https://sync.example.com',
  'sync.code': 'Enrollment code',
  'sync.code_hint': 'Four groups of four letters and digits',
  'sync.device_name': 'Name of this computer',
  'sync.device_name_hint': 'Admins see it in the device list, for example “Front till”.',
  'sync.connect': 'Connect',
  'sync.connecting': 'Connecting and syncing…',
  'sync.connect_again': 'Connect again',
  'sync.handover_warning':
    'This computer has people of its own. Before anything changes you see who is handed over to the server’s store (with their password and authenticator), who is kept and who must be assigned there, and you confirm.',
  'sync.review': 'Review what connecting does',
  'sync.reviewing': 'Asking the server…',
  'sync.plan_title': 'What connecting to {store} does',
  'sync.plan_lead':
    'Nothing has changed yet: the enrollment code is used only when you confirm. Server: {server}.',
  'sync.plan_handed_over': 'Handed over to the store ({count})',
  'sync.plan_kept': 'Kept: the server’s account wins ({count})',
  'sync.plan_not_handed_over': 'Must be assigned on the server ({count})',
  'sync.plan_nobody': 'Nobody.',
  'sync.plan_server_people': 'Already assigned to {store} on the server ({count})',
  'sync.plan_server_nobody': 'Nobody is assigned to this store on the server yet.',
  'sync.plan_role_change': '{from}, becomes {to}',
  'sync.plan_you': 'you',
  'sync.plan_no_way_in':
    'You would have no account on this store after connecting, so nobody might be able to sign in here: connecting is not possible. If you have no email address here, type one next to your name; otherwise ask an administrator of the server to assign you to the store (with your username). Then check again.',
  'sync.plan_email_for': 'Email address for {name} (to hand them over)',
  'sync.plan_stale': 'You typed an address: check the plan again before confirming.',
  'sync.plan_check_again': 'Check the plan again',
  'sync.confirm_connect': 'Confirm and connect',
  'sync.reason_new': 'Goes on signing in here with the same password and authenticator.',
  'sync.reason_role_lowered':
    'Becomes a manager of this store (server administrators are made in the server’s admin area). Same password and authenticator.',
  'sync.reason_same_username':
    'Someone with this username is already assigned to the store: that server account replaces this one here, with its own password.',
  'sync.reason_disabled': 'Disabled on this computer: not handed over, and removed from it.',
  'sync.reason_no_email':
    'No email address, which server accounts need: type one below to hand them over; otherwise removed from this computer until an admin adds them on the server.',
  'sync.reason_username_taken':
    'Another account on the server has this username: removed from this computer until an admin assigns them on the server.',
  'sync.reason_email_taken':
    'Another account on the server has this email address: removed from this computer until an admin assigns them on the server.',
  'sync.reason_record_check_failed':
    'This computer’s record of them failed its integrity check: not handed over, and removed from it.',
  'sync.missing': 'Fill in the server address, the enrollment code and the name of this computer.',
  'sync.admin_only': 'Only an administrator can connect this computer to a sync server.',
  'sync.connected': 'Connected to the sync server. Sign in with your account.',
  'sync.state_idle': 'Synced',
  'sync.state_syncing': 'Syncing…',
  'sync.state_offline': 'Offline',
  'sync.state_error': 'Sync problem',
  'sync.state_revoked': 'Disconnected by an administrator',
  'sync.never': 'Not yet',
  'sync.server': 'Server',
  'sync.store': 'Store',
  'sync.last_sync': 'Last sync',
  'sync.next_sync': 'Next automatic sync',
  'sync.pending': 'Audit entries waiting to upload',
  'sync.pending_changes': 'Password changes waiting to upload',
  'sync.last_error': 'Last problem',
  'sync.sync_now': 'Sync now',
  'sync.progress_upload': 'Uploading: {done} of {total} entries',
  'sync.progress_download': 'Downloading: page {done}',
  'sync.indicator_label': 'Sync status: ',
  'sync.indicator_waiting': '{count} waiting',
  'sync.indicator_next': '{count} for the next sync',
  'sync.indicator_held': '{count} not uploaded',
  'sync.next_try': 'Next try',
  'sync.next_at': '{time} ({relative})',
  'sync.next_when_online': 'As soon as the network is back',
  'sync.next_none_revoked': 'None: this computer no longer syncs',
  'sync.pending_held': 'Audit entries kept on this computer',
  'sync.changes_held': 'Password changes kept on this computer',
  'sync.revoked_explained':
    'An administrator disconnected this computer, so it no longer syncs. What it recorded and was not uploaded stays here; it uploads only after an administrator connects this computer again with a new enrollment code.',
  'sync.pending_after_sync':
    '{count, plural, one {# entry was} other {# entries were}} recorded after the last sync (a sign-in, for example) and will upload at the next one.',
  'sync.standalone':
    'This computer is not connected to a sync server: it keeps its own people and password policy.',
  'setup.choose_title': 'How will this computer be used?',
  'setup.choose_connect': 'Connect to our sync server',
  'setup.choose_connect_hint':
    'For franchise stores: people, policy and audit are managed centrally. You need an enrollment code from your administrator.',
  'setup.choose_standalone': 'Set up this computer on its own',
  'setup.choose_standalone_hint':
    'Create the first administrator here. You can connect to a sync server later in Settings.',
  'setup.back': 'Back',
  'error.server_unreachable':
    'The sync server could not be reached. This computer keeps working offline and tries again automatically.',
  'error.server_unavailable':
    'The sync server is not available right now. This computer keeps working offline and tries again automatically.',
  'error.rate_limited': 'The sync server is busy. This computer tries again shortly.',
  'error.tls_error':
    'The sync server’s identity could not be verified, so Keyholder did not connect. Ask your IT contact to check the server’s certificate or the address.',
  'error.device_revoked':
    'An administrator disconnected this computer from the sync server. Connect it again with a new enrollment code.',
  'error.reconnect_other_server':
    'Without anyone signed in, this computer can only be connected again to the sync server it was connected to. Enter that address and a new enrollment code.',
  'error.audit_log_diverged':
    "This PC's audit log no longer matches the sync server's copy, usually because the PC was restored from an older backup. It keeps signing people in and recording it here. Ask an administrator: this PC must be disconnected on the sync server and set up again as a new PC.",
  'error.audit_entry_refused':
    "An entry in this PC's audit log holds a value the sync server does not accept (text it cannot store, or an impossible time), so the log cannot be uploaded. It was written by an older version of Keyholder. This PC keeps signing people in and recording it here. Ask an administrator: this PC must be disconnected on the sync server and set up again as a new PC.",
  'error.audit_text_refused':
    'This was not done: it contains characters that cannot be recorded in the audit log (such as control or text-direction characters). Check what you entered and try again.',
  'error.insecure_server_url': 'The sync server address must start with https://.',
  'error.invalid_server_url':
    'That is not a valid sync server address. It looks like https://sync.example.com.',
  'error.enrollment_refused':
    'This enrollment code is not valid or has expired. Ask your administrator for a new one.',
  'error.handover_not_confirmed':
    'Review what connecting does to the people on this computer, then confirm. Nothing was changed.',
  'error.connect_no_way_in':
    'Connecting would leave you without an account on this store. Type an email address for yourself in the plan if you have none here, or ask an administrator of the server to assign you to the store (with your username), then connect again. Nothing was changed.',
  'error.handover_changed':
    'The people of this store on the server changed since the plan was shown. Nothing was changed: review the plan again.',
  'error.handover_no_way_in':
    'Whoever connects this computer must be handed over or already be assigned to the store. Nothing was changed.',
  'error.device_exists':
    'This computer is already enrolled. An administrator must revoke it before it can be enrolled again.',
  'error.server_admin_only':
    'This computer is connected to a sync server: an administrator adds people, disables them, changes roles and resets two-step sign-in on the server.',
  'error.managed_by_server':
    'This computer is connected to a sync server: add people, disable them, change roles and reset two-step sign-in in the admin area.',
  'error.policy_refused':
    'The sync server sent a password policy this computer cannot trust, so it was not applied. Tell your administrator.',
  'error.credential_missing':
    'This computer’s sync credential is missing from the keychain. Connect it again with a new enrollment code.',
  'error.bad_response':
    'The sync server sent an answer this version of Keyholder does not understand.',
  'settings.title': 'Settings',
  'settings.appearance': 'Appearance and language',
  'settings.theme': 'Theme',
  'settings.theme_light': 'Light',
  'settings.theme_dark': 'Dark',
  'settings.theme_system': 'Same as the computer',
  'settings.saved_here': 'Saved on this computer for everyone who uses it.',
  'settings.language': 'Language',
  'settings.about': 'About',
  'settings.version': 'Version',
  'settings.mode': 'Mode',
  'settings.mode_standalone': 'Standalone (this computer keeps its own accounts and policy)',
  'settings.mode_enrolled': 'Managed by the sync server',

  'policy.title': 'Password and sign-in policy',
  'policy.version': 'Policy version {version}',
  'policy.profile': 'Profile',
  'policy.min_length': 'Minimum password length',
  'policy.composition': 'Required character types',
  'policy.letter': 'letter',
  'policy.digit': 'digit',
  'policy.upper': 'upper case',
  'policy.lower': 'lower case',
  'policy.none': 'none',
  'policy.blocklist': 'Common and predictable passwords refused',
  'policy.min_strength': 'Lowest strength accepted',
  'policy.expiry': 'Password expiry',
  'policy.never': 'Never',
  'policy.days': '{days} days',
  'policy.threshold': 'Lock after this many failed attempts',
  'policy.duration': 'Lock lasts',
  'policy.duration_minutes': 'Lock lasts (minutes)',
  'policy.duration_hint': 'Leave empty to keep the account locked until a manager unlocks it.',
  'policy.until_unlocked': 'Until a manager unlocks',
  'policy.minutes': '{minutes} min',
  'policy.idle': 'Lock the screen when idle for',
  'policy.idle_minutes': 'Lock the screen when idle for (minutes)',
  'policy.totp': 'Two-step sign-in required',
  'policy.offline_hours': 'Signs people in without reaching the server for at most',
  'policy.offline_sign_ins': 'Sign-ins without reaching the server, at most',
  'policy.hours': '{hours} h',
  'policy.edit_title': 'Change the policy',
  'policy.role_to_edit': 'Role to change',
  'policy.save': 'Save policy',
  'policy.saved': 'Policy saved (version {version}).',
  'policy.admins_only': 'Only administrators can change the policy.',
  'policy.managed': 'This computer takes its policy from the sync server. Change it there.',

  'error.retry_in': 'You can try again in {wait}.',
  'error.retry_now': 'You can try again now.',
  'error.invalid_credentials': 'The username or password is not right.',
  'error.account_locked':
    'Too many failed attempts. This account is locked for now; try again later or ask a manager to unlock it.',
  'error.account_locked_manual':
    'Too many failed attempts. This account is locked until a manager unlocks it.',
  'error.throttled': 'Too many attempts. Wait a moment, then try again.',
  'error.clock_problem':
    'This computer’s clock was set back, so sign-in is paused. Ask an administrator to confirm the time, or connect to the sync server.',
  'error.offline_limit_hours':
    'This computer has not reached the sync server for too long. Connect it to the network, then sign in.',
  'error.offline_limit_sign_ins':
    'This computer has reached its limit of offline sign-ins. Connect it to the network, then sign in.',
  'error.account_disabled': 'This account is disabled. Ask your manager.',
  'error.temporary_password_expired':
    'Your temporary password has expired. Ask your manager for a new one.',
  'error.invalid_code': 'That code is not right. Check the time on your phone and try again.',
  'error.code_replayed': 'That code has already been used. Wait for the next code and try again.',
  'error.invalid_recovery_code': 'That recovery code is not valid or has been used.',
  'error.password_rejected': 'The new password does not meet the password policy.',
  'error.session_locked': 'This session is locked. Enter your password to continue.',
  'error.session_ended': 'You are signed out. Sign in again.',
  'error.session_expired': 'Your session has ended. Sign in again.',
  'error.forbidden': 'You do not have permission to do this.',
  'error.challenge_expired': 'This sign-in has timed out. Start again.',
  'error.last_admin': 'This is the last active administrator. Add another administrator first.',
  'error.not_on_self': 'You cannot do this to your own account. Use My account instead.',
  'error.username_taken': 'That username is already in use.',
  'error.invalid_username': 'Usernames are 3–64 letters, digits, dots, dashes, underscores or @.',
  'error.totp_required': 'Your role requires two-step sign-in, so it cannot be turned off.',
  'error.totp_already_enabled':
    'Two-step sign-in is already on. Turn it off first to move it to a new phone.',
  'error.totp_not_enabled': 'Turn on two-step sign-in first.',
  'error.invalid_request': 'The request was not valid. Check what you entered and try again.',
  'error.invalid_policy': 'The policy has values outside the allowed ranges.',
  'error.policy_managed': 'This computer takes its policy from the sync server. Change it there.',
  'error.already_set_up': 'This computer is already set up.',
  'error.not_found': 'That account does not exist.',
  'error.store_unwritable':
    'The store on this PC cannot be written (disk full or read-only). Free up space on the PC’s disk, or ask whoever looks after the PC to make its disk writable again, then try again.',
  'error.account_tampered':
    'This account’s record on this PC was changed outside Keyholder, so it cannot be used here until the PC syncs with the server again. Tell your manager.',
  'error.store_tampered':
    'This PC’s store was changed outside Keyholder, so nobody can sign in here. Ask your administrator to reset this device.',
  'error.sync_required':
    'This PC’s records could not be verified, so nobody can sign in until it syncs with the server. Connect it to the network; it syncs on its own.',
  'error.totp_managed':
    'Two-step sign-in for your account is managed by the sync server. Ask an administrator to reset it.',
  'error.password_required': 'Confirm your password to do this.',
  'error.store_check_failed':
    'This PC’s records could not be verified, so only an administrator can sign in. An administrator signs in and saves the password policy again (Settings).',
  'error.store_key_unreadable':
    'Your signing key on this PC cannot be opened with your password. Ask an administrator to reset your password.',
  'stepup.title': 'Confirm your password',
  'stepup.body':
    'Changes on this PC are signed with your key, so a copy of the store edited by hand signs nobody in. Type your password once to open your key for this session.',
  'stepup.confirm': 'Confirm',
  'error.password_key_missing':
    'Your password was set before this version of Keyholder. Change your own password once (My account), then try again.',
  'staff.confirm_your_password': 'Your password',
  'staff.confirm_reset_signed':
    'Type your own password to confirm: it signs this change, so the server and the store’s other PCs know you made it.',
  'error.offline_limit':
    'This computer must reach the sync server before anyone signs in. Connect it to the network, then sign in.',
  'error.store_corrupt':
    'The local store is damaged. Restore the latest backup, or ask your administrator for help.',
  'error.store_schema_unknown':
    'This store was written by a newer or different version of Keyholder. Update Keyholder on this computer, then try again.',
  'error.store_profile_invalid':
    'This computer’s Keyholder profile file is damaged. Ask your administrator for help.',
  'error.store_key_missing':
    'The key for this computer’s store is missing from the keychain (or the keychain is locked), so the store cannot be opened. Restore the keychain, or ask your administrator to reset this device.',
  'error.store_key_invalid':
    'The store key in the keychain is not valid. Ask your administrator to reset this device.',
  'error.store_key_mismatch':
    'The local store cannot be unlocked with the key in this computer’s keychain. Restore a backup made on this computer, or ask your administrator to reset this device.',
  'error.keychain_key_missing':
    'A key this computer needs is missing from the keychain. Ask your administrator to reset this device.',
  'error.keychain_unavailable':
    'The system keychain is unavailable, so Keyholder cannot open its store. Sign in to the desktop again or restart the computer; if it keeps happening, ask IT to check the keychain.',
  'error.backup_exists': 'A file with that name already exists. Choose another name.',
  'error.backup_unreadable':
    'That backup cannot be read on this computer. Choose a backup made on this computer.',
  'error.sync_failed': 'Syncing failed unexpectedly. It is tried again later.',
  'error.bad_server_key':
    'The sync server did not identify itself correctly. Check the address; this PC was not connected.',
  'error.audit_chain_broken':
    "The sync server found that this PC's audit log does not verify, so it was not uploaded. This PC keeps signing people in and recording it here. Tell your administrator.",
  'error.sequence_gap':
    'The sync server and this PC disagree on which audit entries were uploaded. It is tried again later.',
  'error.sync_refused':
    'The sync server refused the request. If it keeps happening, tell your administrator.',
  'error.audit_unavailable':
    'This action could not be recorded in the audit log, so it was not carried out.',
  'error.internal': 'Something went wrong. Try again; if it keeps happening, contact support.',
  'error.network': 'Keyholder is not responding. Check that it is still running, then try again.',
  'error.unauthorized':
    'This page is not connected to Keyholder. Open the address Keyholder printed.',

  // Admin area (renderer/features/admin): the franchise admin on the sync server.
  'admin.nav': 'Admin',
  'admin.title': 'Admin',
  'admin.lead': 'Stores, devices, people and policies on the sync server {server}.',
  'admin.not_connected': 'This computer is not connected to a sync server. Connect it first.',
  'admin.sections': 'Admin sections',
  'admin.section.stores': 'Stores & devices',
  'admin.section.people': 'People',
  'admin.section.policies': 'Policies',
  'admin.section.audit': 'Audit',
  'admin.section.analytics': 'Analytics',
  'admin.sign_out': 'Sign out of the server',
  'admin.signed_in_as': 'Signed in to the server as {name}.',
  'admin.never': 'Never',
  'admin.signin.title': 'Sign in to the sync server',
  'admin.signin.lead':
    'Use your sync server account ({server}). Your password is used for this sign-in only and is not kept.',
  'admin.signin.email': 'Email',
  'admin.signin.password': 'Password',
  'admin.signin.code': 'Authentication code',
  'admin.signin.code_hint': 'The 6-digit code from your authenticator app.',
  'admin.signin.submit': 'Sign in to the server',
  'admin.stores.name': 'Store name',
  'admin.stores.brand': 'Brand',
  'admin.stores.create': 'Create store',
  'admin.stores.created': 'Store {name} created.',
  'admin.stores.none': 'No stores yet.',
  'admin.stores.devices': 'Active devices',
  'admin.stores.people': 'People',
  'admin.stores.issue': 'Enrollment code',
  'admin.stores.issue_for': 'Issue an enrollment code for {name}',
  'admin.stores.show_devices': 'Devices',
  'admin.stores.devices_for': 'Devices of {name}',
  'admin.code.title': 'Enrollment code for {name}',
  'admin.code.lead':
    'Type this code on the store PC when you connect it. It works once and is shown only now.',
  'admin.code.copy': 'Copy code',
  'admin.code.expires': 'Valid until {time}.',
  'admin.devices.title': 'Devices of {name}',
  'admin.devices.none': 'No devices are enrolled for this store.',
  'admin.devices.name': 'Device',
  'admin.devices.last_sync': 'Last sync',
  'admin.devices.version': 'App version',
  'admin.devices.pending': 'Pending events',
  'admin.devices.status': 'Status',
  'admin.devices.active': 'Active',
  'admin.devices.revoked_badge': 'Revoked',
  'admin.devices.revoke': 'Revoke',
  'admin.devices.revoke_for': 'Revoke {name}',
  'admin.devices.revoked': '{name} is revoked. Its next request will be refused.',
  'admin.devices.confirm_title': 'Revoke {name}?',
  'admin.devices.confirm_body':
    '{name} at {store} will no longer sync or receive changes. To use it again, enroll it with a new code.',
  'admin.people.search': 'Search people',
  'admin.people.none': 'No one matches.',
  'admin.people.more': 'Show more',
  'admin.people.create': 'Add person',
  'admin.people.create_submit': 'Add',
  'admin.people.created': '{name} was added and will get an email to finish setting up.',
  'admin.people.name': 'Name',
  'admin.people.username': 'Username',
  'admin.people.email': 'Email',
  'admin.people.email_hint': 'They get a link there to choose a password.',
  'admin.people.role': 'Role',
  'admin.people.stores': 'Stores',
  'admin.people.status': 'Status',
  'admin.people.pending': 'Invited',
  'admin.people.active': 'Active',
  'admin.people.disabled': 'Disabled',
  'admin.people.manage_title': 'Manage {name}',
  'admin.people.save_role': 'Save role',
  'admin.people.save_stores': 'Save stores',
  'admin.people.disable': 'Disable account',
  'admin.people.enable': 'Enable account',
  'admin.people.role_done': '{name} is now {role}.',
  'admin.people.stores_done': 'Stores of {name} saved.',
  'admin.people.disabled_done': '{name} is disabled.',
  'admin.people.enabled_done': '{name} is enabled.',
  'admin.people.account_actions': 'Sign-in and account',
  'admin.people.resets_pending':
    'Password and two-step sign-in resets are offered once {name} has confirmed their email address.',
  'admin.people.resets_disabled':
    'Enable the account to send {name} a password or two-step sign-in reset.',
  'admin.people.unlock': 'Unlock sign-in',
  'admin.people.send_reset': 'Send password reset',
  'admin.people.reset_2fa': 'Reset two-step sign-in',
  'admin.people.resend_invite': 'Send the invitation again',
  'admin.people.invite_sent': 'A new invitation was sent to {name} at {address}.',
  'admin.people.invite_mail_failed':
    'The invitation to {name} could not be sent to {address}. Check the server’s mail settings and try again.',
  'admin.people.export': 'Export their data',
  'admin.people.exported': '{name}’s data was saved as {filename}.',
  'admin.people.erase': 'Erase person',
  'admin.people.erase_submit': 'Erase permanently',
  'admin.people.confirm_unlock_title': 'Unlock sign-in for {name}?',
  'admin.people.confirm_unlock':
    'If {name} was locked out of the sync server after too many failed attempts, they can sign in again at once. A lock on a store PC is lifted on that PC, under Staff.',
  'admin.people.confirm_reset_title': 'Send {name} a password reset?',
  'admin.people.confirm_reset':
    '{name} gets an email with a one-time link to choose a new password. You do not choose or see it. Their current password keeps working until they use the link.',
  'admin.people.confirm_2fa_title': 'Reset two-step sign-in for {name}?',
  'admin.people.confirm_2fa':
    'For a lost or replaced phone. The authenticator of {name} stops working, they are signed out of the sync server everywhere, and they get an email with a link to set up a new one. Their password does not change.',
  'admin.people.confirm_erase_title': 'Erase {name}?',
  'admin.people.confirm_erase_warning': 'This cannot be undone.',
  'admin.people.confirm_erase_account':
    'The account of {name} is removed from the sync server: name, email, username, password, two-step sign-in and sessions are deleted.',
  'admin.people.confirm_erase_stores': 'Store PCs disable the account at their next sync.',
  'admin.people.confirm_erase_audit':
    'Audit entries are kept, with {name} replaced by a pseudonym.',
  'admin.people.confirm_erase_type': 'To confirm, type their email address: {email}',
  'admin.people.confirm_erase_mismatch': 'This is not {email}. Type it exactly to erase.',
  'admin.people.unlocked': '{name} can sign in to the sync server again.',
  'admin.people.not_locked': '{name} was not locked out: nothing to unlock.',
  'admin.people.reset_sent': 'A password reset link was sent to {name} at {address}.',
  'admin.people.reset_mail_failed':
    'The password reset email to {address} could not be sent. Try again later.',
  'admin.people.2fa_done':
    'Two-step sign-in was reset for {name}. A link to set it up again was sent to {address}.',
  'admin.people.2fa_mail_failed':
    'Two-step sign-in was reset for {name}, but the email to {address} could not be sent. They get a new link when they next sign in to the sync server.',
  'admin.people.erased': '{name} was erased. Their audit entries now show {pseudonym}.',
  'admin.policies.version': 'Version {version}, published {time}.',
  'admin.policies.profile_for': 'Profile for {role}',
  'admin.policies.publish': 'Publish policy',
  'admin.policies.published':
    'Version {version} is published. Store PCs get it on their next sync.',
  'admin.policies.unchanged': 'Nothing changed: the current version stays.',
  'admin.policies.reload': 'Reload the current policy',
  'admin.policies.history': 'Earlier versions',
  'admin.policies.history_item': 'Version {version}, {time}, by {name}',
  'admin.audit.store': 'Store',
  'admin.audit.any_store': 'All stores',
  'admin.audit.time': 'Time',
  'admin.audit.who': 'Who',
  'admin.analytics.range': 'Period',
  'admin.analytics.last_days': 'Last {days} days',
  'admin.analytics.totals':
    'Sign-ins: {signIns}. Failed sign-ins: {failures}. Lockouts: {lockouts}.',
  'admin.analytics.per_store': 'Sign-ins and failures per store per day',
  'admin.analytics.no_activity': 'No sign-ins in this period.',
  'admin.analytics.chart_summary':
    '{name}: {signIns} sign-ins and {failures} failed sign-ins in the last {days} days.',
  'admin.analytics.sign_ins': 'Sign-ins',
  'admin.analytics.failures': 'Failed sign-ins',
  'admin.analytics.show_figures': 'Show the figures',
  'admin.analytics.day': 'Day',
  'admin.analytics.lockouts': 'Lockouts',
  'admin.analytics.no_lockouts': 'No lockouts in this period.',
  'admin.analytics.last': 'Last one',
  'admin.analytics.unknown_name': 'Unknown username',
  'admin.analytics.out_of_sync': 'Devices not synced for {hours} hours',
  'admin.analytics.all_in_sync': 'Every device has synced recently.',
  'admin.analytics.hours_ago': '{hours} hours ago',
  'admin.error.server_not_connected':
    'This computer is not connected to a sync server. Connect it first.',
  'admin.error.server_sign_in_required': 'Sign in to the sync server again to continue.',
  'admin.error.server_invalid_credentials':
    'The email, password or code is not right for the sync server.',
  'admin.error.server_account_disabled': 'Your account on the sync server is disabled.',
  'admin.error.server_two_factor_setup':
    'Finish setting up two-step sign-in for your sync server account first.',
  'admin.error.server_password_change_required':
    "Your sync server password must be changed first: it is a temporary one or it has expired. Sign in on your store's computer to choose a new one, then sign in here again.",
  'admin.error.policy_conflict':
    'Someone published a newer policy while you were editing. Reload it, check the changes, then publish again.',
  'admin.error.server_username_taken': 'That username is already in use on the sync server.',
  'admin.error.server_email_taken': 'That email address is already in use on the sync server.',
  'admin.error.server_last_admin':
    'This is the last active administrator on the sync server. Add another administrator first.',
  'admin.error.server_own_account':
    'You cannot change your own role or status, reset your own two-step sign-in or erase your own account here.',
  'admin.error.server_confirmation_mismatch':
    "The email address typed is not this person's current one. Nothing was erased.",
  'admin.error.server_person_disabled': "This person's account is disabled. Enable it first.",
  'admin.error.server_person_pending':
    'This person has not confirmed their email address yet, so there is nothing to reset.',
  'admin.error.server_person_confirmed':
    'This person has already confirmed their email address: there is no invitation to send.',
  'admin.error.server_stores_required': 'Choose at least one store for this person.',
  'admin.error.server_unknown_store': 'One of the chosen stores no longer exists.',
  'admin.error.server_invalid_range': 'Choose a time range of at most a year, from before to.',
  'admin.error.server_invalid_request':
    'The sync server refused what was entered. Check it and try again.',
  'admin.error.forbidden': 'Your sync server account may not do this.',
  'admin.error.server_not_found': 'That no longer exists on the sync server, or you cannot see it.',
  'admin.error.server_conflict':
    'This clashes with a change made on the sync server. Reload and try again.',
  'admin.error.server_rate_limited':
    'Too many attempts on the sync server. Wait a moment, then try again.',
  'admin.error.server_error': 'The sync server could not do this right now. Try again later.',
  'admin.error.server_bad_response':
    'The sync server gave an answer Keyholder does not understand. Check that the server is up to date.',
  'admin.error.server_tls':
    "The sync server's security certificate could not be verified, so Keyholder did not connect. Ask your IT contact to check it.",
  'admin.error.server_unreachable':
    'The sync server cannot be reached. Check the internet connection and try again.',

  // Audit entry details in words (common/audit/audit-details.ts).
  ...auditWordsEn,
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
