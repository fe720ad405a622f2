import { applyDecorators } from '@nestjs/common';
import { ArrayUnique, IsArray, IsInt, Max, Min, type ValidationOptions } from 'class-validator';

/** One of Japan's 47 prefectures by its JIS code: 1 (Hokkaido) to 47 (Okinawa). */
export function IsPrefectureCode(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(IsInt(options), Min(1, options), Max(47, options));
}

/** A list of prefecture codes, none twice. */
export function IsPrefectureCodeList(): PropertyDecorator {
  return applyDecorators(IsArray(), ArrayUnique(), IsPrefectureCode({ each: true }));
}
