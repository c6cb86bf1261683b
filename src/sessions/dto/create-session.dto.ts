import { Matches } from 'class-validator';
import { SESSION_NAME_PATTERN } from '../../common/session-name.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';

export const SESSION_NAME_RULE =
  'name must be 1 to 32 characters: lower-case letters, digits, "_" and "-", starting with a letter or digit';

export class CreateSessionDto {
  @ApiProperty({ description: 'The session name (`^[a-z0-9][a-z0-9_-]{0,31}$`).', example: 'sales', pattern: SESSION_NAME_PATTERN.source })
  @Matches(SESSION_NAME_PATTERN, { message: SESSION_NAME_RULE })
  name!: string;
}
