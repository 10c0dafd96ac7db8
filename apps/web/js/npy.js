// NumPy .npy files of a run (signature arrays), read in the page.

// A float32/float64/int32/int64 .npy file as {shape, data} (Float32Array; Float64Array for
// int64, exact for indices).
export async function fetchNpy(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const buf = await res.arrayBuffer();
  const u8 = new Uint8Array(buf);
  const major = u8[6];
  const hlen = major >= 2 ? new DataView(buf).getUint32(8, true) : new DataView(buf).getUint16(8, true);
  const start = (major >= 2 ? 12 : 10) + hlen;
  const header = new TextDecoder().decode(u8.subarray(major >= 2 ? 12 : 10, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const body = buf.slice(start, start + n * (descr.endsWith('8') ? 8 : 4));
  const data = descr === '<f4' ? new Float32Array(body) : descr === '<f8' ? Float32Array.from(new Float64Array(body))
    : descr === '<i4' ? Float32Array.from(new Int32Array(body))
    : descr === '<i8' ? Float64Array.from(new BigInt64Array(body), Number) : null;
  if (!data) throw new Error(`${url}: unsupported dtype ${descr}`);
  return { shape, data };
}
