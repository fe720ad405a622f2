import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength } from 'class-validator';

/**
 * A name or other one-line label: a string with at least one visible character (whitespace-only
 * names are refused), no line breaks or tabs, at most `maxLength` characters. Control characters
 * and unpaired surrogates are refused earlier, for every input, by SafeTextPipe.
 */
export function IsName(maxLength: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(/\S/, { message: ({ property }) => `${property} must contain a visible character, not only spaces` }),
    Matches(/^[^\t\r\n]*$/, { message: ({ property }) => `${property} must be one line (no tabs or line breaks)` }),
    MaxLength(maxLength),
  );
}
