import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { createValidationPipe } from './validation.js';

class Member {
  @IsString()
  name!: string;
}

class Body {
  @IsInt()
  @Min(1)
  seats!: number;

  @IsString()
  title!: string;

  @ValidateNested({ each: true })
  @Type(() => Member)
  members!: Member[];
}

const meta: ArgumentMetadata = { type: 'body', metatype: Body };

describe('createValidationPipe', () => {
  it('answers 400 listing every failing field, nested ones with their path', async () => {
    const pipe = createValidationPipe();
    let caught: unknown;
    try {
      await pipe.transform({ seats: 0, members: [{ name: 'a' }, { name: 3 }], extra: true }, meta);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BadRequestException);
    const body = (caught as BadRequestException).getResponse() as { errors: Array<{ field: string }> };
    expect(body.errors.map((e) => e.field).sort()).toEqual(['extra', 'members[1].name', 'seats', 'title']);
  });

  it('transforms and passes valid input', async () => {
    const out = await createValidationPipe().transform({ seats: 3, title: 't', members: [] }, meta);
    expect(out).toBeInstanceOf(Body);
  });
});
