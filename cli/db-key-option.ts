/**
 * `--db-key-file`, for every command that opens the kiosk's databases: they may be encrypted
 * at rest (docs/encryption.md). A command reads them with the key but never encrypts a
 * plaintext one: only the kiosk does, as it starts (main/store/sqlite-database.ts says why).
 */
export const DB_KEY_FILE_OPTION = { 'db-key-file': { type: 'string' } } as const;
