import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class TokenRepository {
  constructor(private readonly db: DataSource) {}

  async revoke(appKey: string, tokenId: string, userId: string): Promise<void> {
    await this.db.query(`INSERT INTO revoked_tokens (app_key, token_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [appKey, tokenId, userId]);
  }

  async isRevoked(appKey: string, tokenId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM revoked_tokens WHERE app_key = $1 AND token_id = $2`, [appKey, tokenId]);
    return rows.length > 0;
  }
}
