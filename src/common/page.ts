import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** Default page size of the list routes. */
export const DEFAULT_PAGE_SIZE = 20;

/** Query of a newest-first list route: `?limit=20&before=<id>`. */
export class PageQuery {
  /** Page size, 1–100. Default 20. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** The id of the last item of the previous page: the page continues after it. */
  @IsOptional()
  @IsString()
  @Length(1, 100)
  before?: string;
}

/** One page of a list route; pass `nextBefore` as `before` for the next (`null`: last page). */
export interface Page<T> {
  items: T[];
  nextBefore: string | null;
}

/** The page for `items` fetched with `limit`: a full page may have a successor. */
export function pageOf<T extends { id: string }>(items: T[], limit: number): Page<T> {
  return { items, nextBefore: items.length === limit ? items[limit - 1].id : null };
}
