import { Injectable } from '@nestjs/common';
import { type EnsureRangeImagesJobData, JobHandler, JobName } from '@app/queue';
import { RangeImageBuilder } from './range-images.js';

/** Worker side of the range image jobs. */
@Injectable()
export class RangeImageJobs {
  constructor(private readonly images: RangeImageBuilder) {}

  @JobHandler(JobName.EnsureRangeImages)
  async ensureImages(data: EnsureRangeImagesJobData) {
    const result = await this.images.ensureAll(data.images);
    return { built: result.built.map((i) => i.reference), present: result.present.map((i) => i.reference) };
  }
}
