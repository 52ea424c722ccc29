/** Who a published message is for. */
export type DeliveryTarget =
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'room'; readonly room: string }
  | { readonly kind: 'connection'; readonly connectionId: string }
  | { readonly kind: 'all' };
