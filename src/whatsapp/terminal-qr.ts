import QRCode from 'qrcode';

/**
 * Prints the pending QR as a terminal QR code on stderr (stdout may carry MCP messages), so a
 * person watching the logs can scan it without opening /qr.
 */
export function printQrToTerminal(qr: string): void {
  QRCode.toString(qr, { type: 'terminal', small: true })
    .then((art) => process.stderr.write(`Scan this QR with WhatsApp (Settings -> Linked devices -> Link a device):\n${art}\n`))
    .catch(() => undefined);
}
