import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';
import { parseInstant } from '@app/time';

/** An ISO 8601 date-time; without an offset it is Japan Standard Time (libs/time parseInstant). */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseInstant(value) !== null,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an ISO 8601 date-time such as 2024-11-19T10:00:00 (JST when no offset is given) or 2024-11-19T01:00:00Z`,
          options,
        ),
      },
    },
    options,
  );
}

const INSTANT_DOC = 'ISO 8601 date-time; without an offset it is read as Japan Standard Time (+09:00)';

/** The documentation of an instant field (required), with an example in JST. */
export function ApiInstant(example: string, description?: string): PropertyDecorator {
  return applyDecorators(ApiProperty({ type: String, format: 'date-time', example, description: description ? `${description}. ${INSTANT_DOC}` : INSTANT_DOC }));
}

/** The documentation of an optional instant field. */
export function ApiInstantOptional(example: string, description?: string): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ type: String, format: 'date-time', example, description: description ? `${description}. ${INSTANT_DOC}` : INSTANT_DOC }));
}

/** The instant of a validated field (IsInstant passed), or undefined when absent. */
export function instant(value: string): Date;
export function instant(value: string | undefined): Date | undefined;
export function instant(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = parseInstant(value);
  if (!at) throw new Error(`instant(): "${value}" was not validated with IsInstant`);
  return at;
}
