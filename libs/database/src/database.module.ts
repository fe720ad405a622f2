import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DataSource } from 'typeorm';
import { AuditReader } from './audit-reader.js';
import { AuditTrail } from './audit-trail.js';
import { openDataSource } from './data-source.js';

/** The TypeORM DataSource over PostgreSQL; domain services inject DataSource and use transactions. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => openDataSource(config.DATABASE_URL),
    },
    AuditTrail,
    AuditReader,
  ],
  exports: [DataSource, AuditTrail, AuditReader],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    new Logger('Database').log('pool closed');
  }
}
