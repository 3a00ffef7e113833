//! Reads tensors of a `.safetensors` file with positioned reads straight into each tensor's own
//! buffer.
//!
//! Takes the path of a safetensors file; gives its tensor names, dtypes and shapes (from the
//! JSON header, checked against the file size) and [`SafetensorsFile::read`], which loads one
//! tensor as a candle `Tensor`. Why not a memory map: candle's CPU tensors own their memory, so
//! a mapped file is copied anyway, and the mapped pages that were touched count in the process's
//! resident set until the map is dropped, so peak memory was the weights twice over. Reading
//! with `pread` goes through the page cache (not counted against the process) into the one
//! buffer the tensor keeps: peak memory ≈ the weights once, and load time is the same copy.
//! Format: 8-byte little-endian header length, JSON header `{name: {dtype, shape,
//! data_offsets: [begin, end]}, "__metadata__": {..}}`, then the data block.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};

use crate::error::{Error, Result};

/// One tensor's entry in the header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub dtype: DType,
    pub shape: Vec<usize>,
    /// Byte range in the file (header included).
    begin: u64,
    end: u64,
}

/// An opened safetensors file: header parsed, data read on demand.
#[derive(Debug)]
pub(crate) struct SafetensorsFile {
    path: PathBuf,
    file: File,
    entries: HashMap<String, Entry>,
}

/// Largest header accepted (the format's own limit is 100 MB); a bigger length means the file
/// is not safetensors.
const MAX_HEADER: u64 = 100_000_000;

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::ModelFile {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// A file that does not follow the format (the wording the weight loader uses for every
/// unreadable weight file).
fn unreadable(path: &Path, reason: impl std::fmt::Display) -> Error {
    bad(path, format!("not a readable safetensors file: {reason}"))
}

fn dtype_of(name: &str) -> Option<DType> {
    Some(match name {
        "F32" => DType::F32,
        "F16" => DType::F16,
        "BF16" => DType::BF16,
        "F64" => DType::F64,
        "U8" => DType::U8,
        "U32" => DType::U32,
        "I64" => DType::I64,
        _ => return None,
    })
}

/// Parses the JSON header of a file whose data block is `data_len` bytes at `data_start`.
fn parse_header(
    path: &Path,
    json: &[u8],
    data_start: u64,
    data_len: u64,
) -> Result<HashMap<String, Entry>> {
    let header: HashMap<String, serde_json::Value> = serde_json::from_slice(json)
        .map_err(|e| unreadable(path, format!("header is not a JSON object: {e}")))?;
    let mut entries = HashMap::with_capacity(header.len());
    for (name, v) in header {
        if name == "__metadata__" {
            continue;
        }
        let field = |f: &str| {
            v.get(f)
                .ok_or_else(|| unreadable(path, format!("tensor {name} has no {f} in the header")))
        };
        let dtype_name = field("dtype")?.as_str().unwrap_or_default().to_string();
        let dtype = dtype_of(&dtype_name).ok_or_else(|| {
            unreadable(
                path,
                format!("tensor {name} has unsupported dtype {dtype_name:?}"),
            )
        })?;
        let numbers = |f: &str| -> Result<Vec<u64>> {
            field(f)?
                .as_array()
                .and_then(|a| a.iter().map(|x| x.as_u64()).collect::<Option<Vec<_>>>())
                .ok_or_else(|| {
                    unreadable(
                        path,
                        format!("tensor {name}: {f} is not a list of integers"),
                    )
                })
        };
        let shape: Vec<usize> = numbers("shape")?.into_iter().map(|d| d as usize).collect();
        let offsets = numbers("data_offsets")?;
        let [begin, end] = offsets[..] else {
            return Err(unreadable(
                path,
                format!("tensor {name}: data_offsets is not [begin, end]"),
            ));
        };
        let numel = shape
            .iter()
            .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))
            .ok_or_else(|| unreadable(path, format!("tensor {name}: shape {shape:?} overflows")))?;
        let want = numel.checked_mul(dtype.size_in_bytes() as u64);
        if begin > end || end > data_len || want != Some(end - begin) {
            return Err(unreadable(
                path,
                format!(
                    "tensor {name}: bytes {begin}..{end} do not hold a {dtype_name} {shape:?} \
                     inside the {data_len}-byte data block (file truncated or corrupt?)"
                ),
            ));
        }
        entries.insert(
            name,
            Entry {
                dtype,
                shape,
                begin: data_start + begin,
                end: data_start + end,
            },
        );
    }
    Ok(entries)
}

impl SafetensorsFile {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        let mut len = [0u8; 8];
        if size < 8 {
            return Err(unreadable(path, "shorter than its 8-byte header length"));
        }
        file.read_exact_at(&mut len, 0).map_err(io)?;
        let n = u64::from_le_bytes(len);
        if n > MAX_HEADER || 8 + n > size {
            return Err(unreadable(
                path,
                format!("header length {n} does not fit the {size}-byte file"),
            ));
        }
        let mut json = vec![0u8; n as usize];
        file.read_exact_at(&mut json, 8).map_err(io)?;
        let entries = parse_header(path, &json, 8 + n, size - 8 - n)?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            entries,
        })
    }

    pub(crate) fn entries(&self) -> &HashMap<String, Entry> {
        &self.entries
    }

    /// Reads tensor `name` on `device` in `dtype`. f32 data is read directly into the tensor's
    /// buffer (on little-endian machines, as the format is); other dtypes go through one
    /// temporary byte buffer of that tensor.
    pub(crate) fn read(&self, name: &str, device: &Device, dtype: DType) -> Result<Tensor> {
        let e = self
            .entries
            .get(name)
            .ok_or_else(|| bad(&self.path, format!("has no tensor {name}")))?;
        let io = |source| Error::Io {
            path: self.path.clone(),
            source,
        };
        if !e.dtype.is_float() {
            return Err(bad(
                &self.path,
                format!("tensor {name} is stored as {:?}, not a float type", e.dtype),
            ));
        }
        let numel: usize = e.shape.iter().product();
        let tensor = if e.dtype == DType::F32 && cfg!(target_endian = "little") {
            let mut data = vec![0f32; numel];
            // SAFETY: the byte view covers exactly `data`'s initialised memory; every bit
            // pattern is a valid f32, and `data` outlives the view.
            let bytes = unsafe {
                std::slice::from_raw_parts_mut(data.as_mut_ptr().cast::<u8>(), numel * 4)
            };
            // Large tensors in parallel pieces: most of a read is the kernel filling fresh
            // pages (page faults and copies), which the pool's threads share.
            use rayon::prelude::*;
            const PIECE: usize = 4 << 20;
            bytes
                .par_chunks_mut(PIECE)
                .enumerate()
                .try_for_each(|(i, piece)| {
                    self.file.read_exact_at(piece, e.begin + (i * PIECE) as u64)
                })
                .map_err(io)?;
            Tensor::from_vec(data, e.shape.as_slice(), &Device::Cpu)?
        } else {
            let mut bytes = vec![0u8; (e.end - e.begin) as usize];
            self.file.read_exact_at(&mut bytes, e.begin).map_err(io)?;
            Tensor::from_raw_buffer(&bytes, e.dtype, &e.shape, &Device::Cpu)?
        };
        Ok(tensor.to_dtype(dtype)?.to_device(device)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Writes a safetensors file by hand (the format is simple enough to spell out).
    fn write_file(dir: &Path, header: &str, data: &[u8]) -> PathBuf {
        let path = dir.join("model.safetensors");
        let mut f = File::create(&path).unwrap();
        f.write_all(&(header.len() as u64).to_le_bytes()).unwrap();
        f.write_all(header.as_bytes()).unwrap();
        f.write_all(data).unwrap();
        path
    }

    fn f32_bytes(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[test]
    fn reads_f32_and_f16_tensors() {
        let dir = tempfile::tempdir().unwrap();
        let a = [1.0f32, -2.5, 3.25, 0.0, 5.5, -6.0];
        let mut data = f32_bytes(&a);
        // f16 1.0 = 0x3c00, -2.0 = 0xc000
        data.extend_from_slice(&[0x00, 0x3c, 0x00, 0xc0]);
        let header = r#"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"h":{"dtype":"F16","shape":[2],"data_offsets":[24,28]}}"#;
        let path = write_file(dir.path(), header, &data);
        let st = SafetensorsFile::open(&path).unwrap();
        assert_eq!(st.entries().len(), 2);
        let t = st.read("a", &Device::Cpu, DType::F32).unwrap();
        assert_eq!(t.dims(), &[2, 3]);
        assert_eq!(t.flatten_all().unwrap().to_vec1::<f32>().unwrap(), a);
        let h = st.read("h", &Device::Cpu, DType::F32).unwrap();
        assert_eq!(h.to_vec1::<f32>().unwrap(), [1.0, -2.0]);
        assert!(st.read("missing", &Device::Cpu, DType::F32).is_err());
    }

    /// Each broken file gets an error that names the file, never a panic.
    #[test]
    fn broken_files_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&str, &[u8], &str); 5] = [
            (
                r#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#,
                &[0u8; 8],
                "inside",
            ),
            (
                r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#,
                &[0u8; 8],
                "inside",
            ),
            (
                r#"{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}}"#,
                &[0u8; 2],
                "dtype",
            ),
            (
                r#"{"a":{"dtype":"F32","shape":[2]}}"#,
                &[0u8; 8],
                "data_offsets",
            ),
            ("not json", &[], "JSON"),
        ];
        for (header, data, what) in cases {
            let path = write_file(dir.path(), header, data);
            let err = SafetensorsFile::open(&path).unwrap_err().to_string();
            assert!(
                err.contains("model.safetensors") && err.contains(what),
                "{header}: {err}"
            );
            assert!(
                err.contains("not a readable safetensors file"),
                "{header}: {err}"
            );
        }
        let short = dir.path().join("short.safetensors");
        std::fs::write(&short, [1u8, 2, 3]).unwrap();
        let err = SafetensorsFile::open(&short).unwrap_err().to_string();
        assert!(err.contains("short.safetensors"), "{err}");
        let huge = dir.path().join("huge.safetensors");
        std::fs::write(&huge, u64::MAX.to_le_bytes()).unwrap();
        assert!(SafetensorsFile::open(&huge).is_err());
    }
}
