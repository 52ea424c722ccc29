import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/page';

/** Query of `GET /notifications`: newest first, a page at a time. */
export class ListNotificationsQuery extends PageQuery {
  /** `true`: only unread ones. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  unread?: boolean;
}
