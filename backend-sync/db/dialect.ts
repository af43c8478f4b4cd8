/**
 * Which database the server runs on. Alone in its file so that the statements, services and
 * migrations that branch on it need not import the connection code (db/database.ts, which
 * imports the migrations: a loop).
 */
export type Dialect = 'sqlite' | 'postgres';
