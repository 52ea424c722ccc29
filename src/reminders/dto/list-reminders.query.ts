import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** Query of `GET /reminders`. */
export class ListRemindersQuery {
  /** Page size, 1–100. Default 20. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** The id of the last reminder of the previous page: the page continues after it. */
  @IsOptional()
  @IsString()
  @Length(1, 100)
  before?: string;
}
