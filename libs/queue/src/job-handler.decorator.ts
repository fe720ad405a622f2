import { SetMetadata } from '@nestjs/common';
import type { JobName } from './queue-contract.js';

export const JOB_HANDLER_METADATA = 'cyder:job-handler';

/**
 * Marks a provider method as the handler of one job name. Handlers are found
 * at worker boot; a job name with no handler (or two) stops the boot.
 */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER_METADATA, name);
