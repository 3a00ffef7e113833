//! Opens a model's weight file and hands out checked tensors.
//!
//! Takes `model.safetensors` (header parsed on open, each tensor read with one `pread` into its
//! own buffer when asked for) or a PyTorch `pytorch_model.bin` (zip + pickle, read through candle's pickle
//! reader); gives tensors by name in the compute dtype (fp16/bf16 files are widened to fp32 on
//! the CPU). Every tensor a model needs is looked up and its shape compared with what the
//! config implies BEFORE anything is built ([`Weights::check`]), so a wrong or mismatched file
//! fails with one error that names the file, the tensor, the expected and the found shape,
//! instead of a panic or a shape error deep inside a matmul.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::pickle::PthTensors;
use candle_core::{DType, Device, Tensor};

use crate::error::{Error, Result};
use crate::model::safetensors_read::SafetensorsFile;

/// One tensor a model needs: the names it may be stored under (the first present one is used;
/// tied weights are saved under any of their names) and its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorSpec {
    pub names: Vec<String>,
    pub shape: Vec<usize>,
    /// Absent tensors are allowed (transformers also fills them in, e.g. `final_logits_bias`).
    pub optional: bool,
}

impl TensorSpec {
    pub fn new(name: impl Into<String>, shape: &[usize]) -> Self {
        Self {
            names: vec![name.into()],
            shape: shape.to_vec(),
            optional: false,
        }
    }

    /// A tensor stored under any of `names` (tied weights).
    pub fn any_of(names: &[String], shape: &[usize]) -> Self {
        Self {
            names: names.to_vec(),
            shape: shape.to_vec(),
            optional: false,
        }
    }

    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// The name the model code uses for this tensor (the first candidate).
    pub fn key(&self) -> &str {
        &self.names[0]
    }
}

enum Store {
    /// Read with `pread` into each tensor's own buffer, not mapped: see `safetensors_read`.
    Safetensors(SafetensorsFile),
    Pth(PthTensors),
}

/// An opened weight file: names and shapes are known, data is read on demand.
pub struct Weights {
    path: PathBuf,
    store: Store,
    shapes: HashMap<String, Vec<usize>>,
}

fn file_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::ModelFile {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

impl Weights {
    /// Opens one weight file; the format is chosen by its extension (`.safetensors`, else a
    /// PyTorch checkpoint).
    pub fn open(path: &Path) -> Result<Self> {
        if let Err(source) = std::fs::metadata(path) {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source,
            });
        }
        let is_safetensors = path.extension().is_some_and(|e| e == "safetensors");
        let (store, shapes) = if is_safetensors {
            let st = SafetensorsFile::open(path)?;
            let shapes = st
                .entries()
                .iter()
                .map(|(name, e)| (name.clone(), e.shape.clone()))
                .collect();
            (Store::Safetensors(st), shapes)
        } else {
            let pth = catch(path, || PthTensors::new(path, None))
                .map_err(|e| file_error(path, format!("not a readable PyTorch checkpoint: {e}")))?;
            let shapes = pth
                .tensor_infos()
                .iter()
                .map(|(name, info)| (name.clone(), info.layout.dims().to_vec()))
                .collect::<HashMap<_, _>>();
            if shapes.is_empty() {
                return Err(file_error(path, "the checkpoint holds no tensors"));
            }
            (Store::Pth(pth), shapes)
        };
        Ok(Self {
            path: path.to_path_buf(),
            store,
            shapes,
        })
    }

    /// The file these weights come from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Shape of a stored tensor.
    pub fn shape(&self, name: &str) -> Option<&[usize]> {
        self.shapes.get(name).map(Vec::as_slice)
    }

    /// The stored name of `spec` (its first candidate present in the file).
    fn stored_name<'a>(&self, spec: &'a TensorSpec) -> Option<&'a str> {
        spec.names
            .iter()
            .map(String::as_str)
            .find(|n| self.shapes.contains_key(*n))
    }

    /// Checks that every required tensor is present with the expected shape; the error names
    /// the file, the tensor, and both shapes.
    pub fn check(&self, specs: &[TensorSpec]) -> Result<()> {
        for spec in specs {
            match self.stored_name(spec) {
                None if spec.optional => {}
                None => {
                    return Err(file_error(
                        &self.path,
                        format!(
                            "tensor {} (shape {:?}) is missing{}",
                            spec.key(),
                            spec.shape,
                            alternatives(spec)
                        ),
                    ))
                }
                Some(name) => {
                    let found = &self.shapes[name];
                    if *found != spec.shape {
                        return Err(file_error(
                            &self.path,
                            format!(
                                "tensor {name} has shape {found:?}, expected {:?} from config.json",
                                spec.shape
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks `specs` and loads them, keyed by [`TensorSpec::key`], in `dtype` on `device`.
    /// Absent optional tensors are absent from the map.
    pub fn load_all(
        &self,
        specs: &[TensorSpec],
        device: &Device,
        dtype: DType,
    ) -> Result<HashMap<String, Tensor>> {
        self.check(specs)?;
        let mut out = HashMap::with_capacity(specs.len());
        // Tied weights appear once in the file but under several specs' candidates: read once.
        let mut read: HashMap<&str, Tensor> = HashMap::new();
        for spec in specs {
            let Some(name) = self.stored_name(spec) else {
                continue;
            };
            let tensor = match read.get(name) {
                Some(t) => t.clone(),
                None => {
                    let t = self.read(name, device, dtype)?;
                    read.insert(name, t.clone());
                    t
                }
            };
            out.insert(spec.key().to_string(), tensor);
        }
        Ok(out)
    }

    /// Loads one tensor of specs already [`check`](Self::check)ed, in `dtype` on `device`:
    /// `None` for an absent optional one. Loading tensor by tensor while building lets a
    /// converted layer's float weight go before the next is read.
    pub fn load(&self, spec: &TensorSpec, device: &Device, dtype: DType) -> Result<Option<Tensor>> {
        match self.stored_name(spec) {
            Some(name) => Ok(Some(self.read(name, device, dtype)?)),
            None => Ok(None),
        }
    }

    fn read(&self, name: &str, device: &Device, dtype: DType) -> Result<Tensor> {
        let loaded = match &self.store {
            Store::Safetensors(st) => return st.read(name, device, dtype),
            Store::Pth(pth) => catch(&self.path, || pth.get(name)).and_then(|t| {
                t.ok_or_else(|| "listed in the checkpoint but unreadable".to_string())
            }),
        };
        let tensor = loaded
            .map_err(|e| file_error(&self.path, format!("cannot read tensor {name}: {e}")))?;
        let tensor = match tensor.dtype() {
            DType::F32 | DType::F16 | DType::BF16 | DType::F64 => tensor,
            other => {
                return Err(file_error(
                    &self.path,
                    format!("tensor {name} is stored as {other:?}, not a float type"),
                ))
            }
        };
        let tensor = tensor.to_dtype(dtype)?.to_device(device)?;
        Ok(tensor)
    }
}

fn alternatives(spec: &TensorSpec) -> String {
    if spec.names.len() > 1 {
        format!(" (also looked for {})", spec.names[1..].join(", "))
    } else {
        String::new()
    }
}

/// The innermost message of a candle error (its `Display` wraps context and backtraces).
fn root(e: &candle_core::Error) -> String {
    match e {
        candle_core::Error::WithPath { inner, .. } => root(inner),
        candle_core::Error::WithBacktrace { inner, .. } => root(inner),
        candle_core::Error::Context { inner, .. } => root(inner),
        other => other.to_string(),
    }
}

/// Runs a reader of an untrusted pickle file, turning both its errors and any panic inside the
/// third-party decoder into a message: bad input must never abort the program.
fn catch<T>(
    path: &Path,
    f: impl FnOnce() -> candle_core::Result<T>,
) -> std::result::Result<T, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(root(&e)),
        Err(_) => Err(format!("{} could not be decoded", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_safetensors(path: &Path, tensors: &[(&str, Tensor)]) {
        let map: HashMap<String, Tensor> = tensors
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect();
        candle_core::safetensors::save(&map, path).unwrap();
    }

    #[test]
    fn loads_checks_and_widens_fp16() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.safetensors");
        let a = Tensor::arange(0f32, 6., &Device::Cpu)
            .unwrap()
            .reshape((2, 3))
            .unwrap();
        write_safetensors(&path, &[("a", a.to_dtype(DType::F16).unwrap())]);
        let w = Weights::open(&path).unwrap();
        assert_eq!(w.shape("a"), Some(&[2usize, 3][..]));
        let specs = [
            TensorSpec::any_of(&["b".into(), "a".into()], &[2, 3]),
            TensorSpec::new("bias", &[3]).optional(),
        ];
        let got = w.load_all(&specs, &Device::Cpu, DType::F32).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got["b"].dtype(), DType::F32);
        assert_eq!(
            got["b"].to_vec2::<f32>().unwrap(),
            vec![vec![0., 1., 2.], vec![3., 4., 5.]]
        );
    }

    #[test]
    fn bad_files_give_errors_naming_file_and_tensor() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.safetensors");
        let t = Tensor::zeros((4, 8), DType::F32, &Device::Cpu).unwrap();
        write_safetensors(&good, &[("w", t)]);
        let bytes = std::fs::read(&good).unwrap();
        let truncated = dir.path().join("truncated.safetensors");
        std::fs::write(&truncated, &bytes[..bytes.len() - 10]).unwrap();
        let garbage_st = dir.path().join("garbage.safetensors");
        std::fs::write(&garbage_st, b"\xff\xff\xff\xff\xff\xff\xff\x7fnot json").unwrap();
        let garbage_bin = dir.path().join("pytorch_model.bin");
        std::fs::write(&garbage_bin, b"PK\x03\x04 this is not a zip archive at all").unwrap();
        let empty_bin = dir.path().join("empty.bin");
        std::fs::write(&empty_bin, b"").unwrap();

        for path in [&truncated, &garbage_st, &garbage_bin, &empty_bin] {
            let err = Weights::open(path).err().expect("must fail").to_string();
            assert!(err.contains(&path.display().to_string()), "{err}");
        }
        let w = Weights::open(&good).unwrap();
        let err = w
            .check(&[TensorSpec::new("w", &[8, 4])])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("good.safetensors")
                && err.contains("tensor w has shape [4, 8], expected [8, 4]"),
            "{err}"
        );
        let err = w
            .check(&[TensorSpec::new("x", &[1])])
            .unwrap_err()
            .to_string();
        assert!(err.contains("tensor x (shape [1]) is missing"), "{err}");
        let missing = Weights::open(&dir.path().join("nowhere.bin"))
            .err()
            .unwrap()
            .to_string();
        assert!(
            missing.contains("cannot read") && missing.contains("nowhere.bin"),
            "{missing}"
        );
    }
}
