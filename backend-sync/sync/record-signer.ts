import { createHash } from 'node:crypto';
import {
  accountSigningInput,
  accountsDigestInput,
  receiptSigningInput,
  type AccountRecordFields,
  type HeldAccount,
  type SyncReceipt,
} from '../../common/sync/signed-records';
import type { SyncedAccount } from '../../common/sync/protocol';
import type { SigningKey } from '../keys/signing-keys';

/**
 * Signs what a pull sends (common/sync/signed-records.ts) with the server's policy key, the
 * key every store PC pinned when it enrolled. Signing inputs come from common/, so the PC
 * verifies exactly the bytes signed here.
 */
export class RecordSigner {
  constructor(private readonly key: Pick<SigningKey, 'sign'>) {}

  account(storeId: string, fields: AccountRecordFields): SyncedAccount {
    return { ...fields, signature: this.sign(accountSigningInput(storeId, fields)) };
  }

  receipt(unsigned: Omit<SyncReceipt, 'signature'>): SyncReceipt {
    return { ...unsigned, signature: this.sign(receiptSigningInput(unsigned)) };
  }

  private sign(text: string): string {
    return Buffer.from(this.key.sign(Buffer.from(text, 'utf8'))).toString('base64');
  }
}

/** SHA-256 (hex) of the accounts a PC of the store must hold (`accountsDigestInput`). */
export function accountsDigest(accounts: readonly HeldAccount[]): string {
  return createHash('sha256').update(accountsDigestInput(accounts), 'utf8').digest('hex');
}
