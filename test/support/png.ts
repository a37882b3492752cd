// Just enough PNG to compare what browsers rendered: decodes the 8-bit, non-interlaced RGB(A)
// screenshots every engine's driver returns, and compares regions pixel by pixel.
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  pixels: Uint8Array;
}

export function decodePng(file: Buffer): Image {
  if (file.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const data: Buffer[] = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('ascii', offset + 4, offset + 8);
    const chunk = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = chunk.readUInt32BE(0);
      height = chunk.readUInt32BE(4);
      const depth = chunk[8];
      colorType = chunk[9]!;
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || chunk[12] !== 0)
        throw new Error(`unsupported PNG (depth ${depth}, colour type ${colorType}, interlace ${chunk[12]})`);
    } else if (type === 'IDAT') data.push(chunk);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(data));
  const out = new Uint8Array(width * height * 4);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const current = new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? current[x - channels]! : 0;
      const b = previous[x]!;
      const c = x >= channels ? previous[x - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter}`);
      current[x] = (line[x]! + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      out.set([current[x * channels]!, current[x * channels + 1]!, current[x * channels + 2]!, channels === 4 ? current[x * channels + 3]! : 255], (y * width + x) * 4);
    }
    previous = current;
  }
  return { width, height, pixels: out };
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * How many pixels of a region differ between two images (by more than `tolerance` in a channel),
 * the region given in CSS pixels and scaled to the screenshot's device pixels by `scale`.
 */
export function differingPixels(a: Image, b: Image, region: Region, scale = 1, tolerance = 8): number {
  let differ = 0;
  const x0 = Math.max(0, Math.floor(region.x * scale));
  const y0 = Math.max(0, Math.floor(region.y * scale));
  const x1 = Math.min(a.width, b.width, Math.ceil((region.x + region.width) * scale));
  const y1 = Math.min(a.height, b.height, Math.ceil((region.y + region.height) * scale));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * a.width + x) * 4;
      const j = (y * b.width + x) * 4;
      for (let k = 0; k < 3; k++) {
        if (Math.abs(a.pixels[i + k]! - b.pixels[j + k]!) > tolerance) {
          differ++;
          break;
        }
      }
    }
  }
  return differ;
}

/** An X window dump (`xwd`) of a TrueColor screen (24 or 32 bits a pixel), as an image. */
export function decodeXwd(file: Buffer): Image {
  const u32 = (i: number) => file.readUInt32BE(i * 4);
  const headerSize = u32(0);
  const [width, height] = [u32(4), u32(5)];
  const byteOrder = u32(7);
  const bitsPerPixel = u32(11);
  const bytesPerLine = u32(12);
  const [redMask, greenMask, blueMask] = [u32(14), u32(15), u32(16)];
  const colors = u32(19);
  if (bitsPerPixel !== 32 && bitsPerPixel !== 24) throw new Error(`unsupported xwd: ${bitsPerPixel} bits per pixel`);
  const bytes = bitsPerPixel / 8;
  const start = headerSize + colors * 12;
  const shift = (mask: number) => Math.log2(mask & -mask);
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = start + y * bytesPerLine + x * bytes;
      const v = byteOrder === 0 ? file.readUIntLE(at, bytes) : file.readUIntBE(at, bytes);
      pixels.set([(v & redMask) >>> shift(redMask), (v & greenMask) >>> shift(greenMask), (v & blueMask) >>> shift(blueMask), 255], (y * width + x) * 4);
    }
  }
  return { width, height, pixels };
}

/** A region of an image (CSS pixels at scale 1), clipped to it. */
export function crop(image: Image, region: Region): Image {
  const x0 = Math.max(0, Math.round(region.x));
  const y0 = Math.max(0, Math.round(region.y));
  const width = Math.max(0, Math.min(image.width - x0, Math.round(region.width)));
  const height = Math.max(0, Math.min(image.height - y0, Math.round(region.height)));
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) pixels.set(image.pixels.subarray(((y0 + y) * image.width + x0) * 4, ((y0 + y) * image.width + x0 + width) * 4), y * width * 4);
  return { width, height, pixels };
}
