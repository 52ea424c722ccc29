import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** Query of `GET /notifications`: newest first, a page at a time. */
export class ListNotificationsQuery {
  /** `true`: only unread ones. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  unread?: boolean;

  /** Page size, 1–100. Default 20. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** The id of the last notification of the previous page: the page continues after it. */
  @IsOptional()
  @IsString()
  @Length(1, 100)
  before?: string;
}
