import QRCode from "qrcode";

// The join QR code as an inline SVG string, rendered on the server (no client library,
// crisp on a projector at any size).
const cache = new Map<string, string>();

export async function joinQrSvg(url: string): Promise<string> {
  let svg = cache.get(url);
  if (!svg) {
    svg = await QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#1b1b1f", light: "#ffffff" } });
    if (cache.size > 500) cache.clear();
    cache.set(url, svg);
  }
  return svg;
}
