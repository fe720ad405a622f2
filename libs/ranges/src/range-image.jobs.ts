import { Injectable } from '@nestjs/common';
import { RangeImageBuilder } from '@app/docker';
import { type EnsureRangeImagesJobData, JobHandler, JobName } from '@app/queue';

/** Worker side of the range image jobs (libs/docker builds images and knows no job contract). */
@Injectable()
export class RangeImageJobs {
  constructor(private readonly images: RangeImageBuilder) {}

  @JobHandler(JobName.EnsureRangeImages)
  async ensureImages(data: EnsureRangeImagesJobData) {
    const result = await this.images.ensureAll(data.images);
    return { built: result.built.map((i) => i.reference), present: result.present.map((i) => i.reference) };
  }
}
