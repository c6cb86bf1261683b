import { z } from 'zod';
import { answer, documented } from '../common/shapes.js';

export const QrAnswerShape = answer(
  'QrAnswer',
  z.object({
    has_qr: documented(z.boolean(), undefined, true),
    qr: documented(z.string().nullable(), 'The raw QR string, to render it yourself', '2@Xk3hV9qLm0aBcD...'),
    data_url: documented(z.string().nullable(), 'The QR as a 360x360 PNG data URL', 'data:image/png;base64,iVBORw0KGgo...'),
  }),
);
export type QrAnswer = z.infer<typeof QrAnswerShape>;
