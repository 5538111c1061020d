"""Seq2seq models through transformers: abstractive summaries and neural translations.

`--summarizer hf:NAME` and `--translator hf:NAME` load NAME (a model id or a local
folder) with AutoTokenizer + AutoModelForSeq2SeqLM, once per run. Generation is greedy,
in length-sorted batches padded only to their longest member, under
torch.inference_mode(), on CUDA (bf16/fp16) when there is one, else on the CPU.
torch and transformers are imported here only, when a model is first asked for.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .. import progress
from ..config import expand
from ..errors import DigestError, ModelUnavailable
from ..model import Story
from ..sentence import sentences
from ..summarize import first_sentences
from ..translate import LANGUAGES
from . import Options, why

log = logging.getLogger("digest")

# Weights files we need; the other formats a hub repo may carry are skipped.
SKIP = [
    "*.h5",
    "*.msgpack",
    "*.ot",
    "*.onnx",
    "*.tflite",
    "tf_model*",
    "flax_model*",
    "rust_model*",
    "onnx/*",
]


@dataclass(frozen=True)
class Known:
    """A recommended model: what it does, its size and licence (from its model card)."""

    name: str
    task: str  # "summarize" or "translate"
    params: str
    size: str
    licence: str
    prompt: str  # a file in prompts/
    note: str = ""
    default: bool = False
    flores: bool = False  # a multilingual tokenizer that takes FLORES-200 codes (NLLB)


MODELS = {
    m.name: m
    for m in (
        Known(
            "recogna-nlp/ptt5-base-summ-xlsum",
            "summarize",
            "223M",
            "0.9 GB",
            "MIT",
            "t5-summarize.txt",
            "PTT5 fine-tuned on XL-Sum (Portuguese BBC)",
            default=True,
        ),
        Known(
            "recogna-nlp/ptt5-base-summ-wikilingua",
            "summarize",
            "223M",
            "0.9 GB",
            "MIT",
            "t5-summarize.txt",
            "PTT5 fine-tuned on WikiLingua (how-to texts)",
        ),
        Known(
            "recogna-nlp/ptt5-base-summ-temario",
            "summarize",
            "223M",
            "0.9 GB",
            "MIT",
            "t5-summarize.txt",
            "PTT5 fine-tuned on TeMário (Brazilian news)",
        ),
        Known(
            "csebuetnlp/mT5_multilingual_XLSum",
            "summarize",
            "582M",
            "2.3 GB",
            "CC BY-NC-SA 4.0",
            "plain.txt",
            "mT5 on XL-Sum, 45 languages; non-commercial",
        ),
        Known(
            "Helsinki-NLP/opus-mt-ROMANCE-en",
            "translate",
            "76M",
            "0.3 GB",
            "Apache-2.0",
            "plain.txt",
            "MarianMT, Romance languages (Portuguese among them) to English",
            default=True,
        ),
        Known(
            "unicamp-dl/translation-pt-en-t5",
            "translate",
            "223M",
            "0.9 GB",
            "see model card",
            "t5-translate.txt",
            "T5 trained on Portuguese-English corpora",
        ),
        Known(
            "facebook/nllb-200-distilled-600M",
            "translate",
            "600M",
            "2.5 GB",
            "CC BY-NC 4.0",
            "plain.txt",
            "NLLB-200, 200 languages; non-commercial",
            flores=True,
        ),
    )
}


def hub_cache() -> Path:
    """The Hugging Face hub cache folder, as huggingface_hub finds it."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = (
        os.environ.get("HF_HOME")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "huggingface"
    )
    return Path(home) / "hub"


def cached(name: str) -> Path | None:
    """The cached snapshot of a hub model, without importing anything heavy."""
    repo = hub_cache() / f"models--{name.replace('/', '--')}"
    ref = repo / "refs" / "main"
    snapshots = (
        [repo / "snapshots" / ref.read_text().strip()]
        if ref.is_file()
        else sorted((repo / "snapshots").glob("*"))
    )
    found = [s for s in snapshots if (s / "config.json").is_file()]
    return found[-1] if found else None


def model_config(folder: Path) -> dict:
    """A model folder's config.json; ModelUnavailable naming it if that is not the JSON
    object of a model's settings."""
    path = folder / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(f"{path}: not a model's config ({why(exc)})") from None
    if not isinstance(config, dict):
        raise ModelUnavailable(f"{path}: not a model's config (not a JSON object)")
    return config


# The config.json keys that tell a model's shape.
SHAPE = (
    "model_type",
    "vocab_size",
    "d_model",
    "num_layers",
    "encoder_layers",
    "max_position_embeddings",
)


@dataclass(frozen=True)
class ModelInfo:
    """What is known of a model without loading it (`digest models info`)."""

    name: str
    known: Known | None  # its entry among the recommended MODELS
    location: Path | None  # the folder named, else the cached snapshot; None: neither
    shape: dict[str, Any] | None  # SHAPE from its config.json; None: it has none
    task: str  # the recommended model's, else "summarize"
    prompt: str  # the prompt it gets for that task


def model_info(name: str) -> ModelInfo:
    """What is known of `name` (a model id or a folder): its card entry, where it is, its
    shape and its prompt; ModelUnavailable naming the file if its config.json is no
    model's."""
    known = MODELS.get(name)
    folder = expand(Path(name), "model")
    where = folder if folder.is_dir() else cached(name)
    shape = None
    if where and (where / "config.json").is_file():
        config = model_config(where)
        shape = {k: config[k] for k in SHAPE if k in config}
    task = known.task if known else "summarize"
    return ModelInfo(
        name,
        known,
        where,
        shape,
        task,
        prompt_for(task, name, (shape or {}).get("model_type", ""), None),
    )


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def resolve(name: str) -> Path:
    """A folder holding the model: `name` itself, its cached copy, or a fresh download."""
    path = expand(Path(name), "model")
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelUnavailable(f"{path}: not a model folder (no config.json)")
        return path
    found = cached(name)
    if found is not None:
        return found
    how = (
        f"run `digest models pull {name}` where huggingface.co is reachable, "
        f"or give a local folder: hf:/path/to/model"
    )
    if offline() or "/" not in name:
        why = "HF_HUB_OFFLINE is set" if offline() else "no such folder"
        raise ModelUnavailable(f"model {name!r} is not in the local cache ({why}): {how}")
    return pull(name, how)


def pull(name: str, how: str = "") -> Path:
    """Download a hub model into the cache (with progress on a terminal)."""
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.utils import disable_progress_bars
    except ImportError:
        raise ModelUnavailable(_NEEDS_EXTRA) from None
    if not progress.shown():
        disable_progress_bars()  # no bars in cron logs, nor with -q
    try:
        return Path(snapshot_download(name, ignore_patterns=SKIP))
    except Exception as exc:  # network, missing repo, auth: one line, whatever the cause
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelUnavailable(
            f"model {name!r} could not be downloaded ({reason})" + (f": {how}" if how else "")
        ) from None


_NEEDS_EXTRA = (
    "hf: backends need PyTorch and transformers: pip install -e '.[hf]' in "
    "digest's folder, or pip install torch transformers sentencepiece protobuf"
)


def prompt_for(
    task: str, name: str, model_type: str, custom: Path | None, src: str = "pt", tgt: str = "en"
) -> str:
    """The prompt template ('… {text}') for a model: the user's file, the recommended
    model's, else by model family (T5 needs a task prefix, others take plain text).
    `{source}` and `{target}` in it become the languages' names."""
    if custom is not None:
        try:
            text = Path(custom).read_text(encoding="utf-8")
        except OSError as exc:
            raise DigestError(f"{custom}: cannot read the prompt ({exc.strerror or exc})") from None
    else:
        known = MODELS.get(name)
        file = (
            known.prompt
            if known
            else (f"t5-{task}.txt" if model_type in ("t5", "mt5", "umt5") else "plain.txt")
        )
        text = (resources.files("digest.prompts") / file).read_text(encoding="utf-8")
    text = text.rstrip("\n")
    for key, code in (("{source}", src), ("{target}", tgt)):
        text = text.replace(key, LANGUAGES.get(code, (code,))[0])
    return text if "{text}" in text else text + "{text}"


def device_of(wanted: str | None):
    import torch

    if wanted and wanted != "auto":
        return torch.device(wanted)
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


class Seq2Seq:
    """One model and tokenizer, generating greedily in padded, length-sorted batches.

    The model is found (and its prompt chosen) at once, so that a missing model is known
    before any work; its weights load on first use, so that a run whose every summary and
    translation comes from the cache loads none.
    """

    def __init__(self, name: str, task: str, options: Options | None = None):
        options = options or Options()
        if not all(importlib.util.find_spec(m) for m in ("torch", "transformers")):
            raise ModelUnavailable(_NEEDS_EXTRA)  # now, not halfway through a run
        self.name, self.path = name, resolve(name)
        config = model_config(self.path)
        self.prompt = prompt_for(
            task, name, config.get("model_type", ""), options.prompt, options.src, options.tgt
        )
        self.options = options
        self.wanted_device, self.batch_size = options.device, options.batch_size
        self.quiet = not progress.shown()
        self._model = None

    def _ready(self):
        """Load the tokenizer and the model, once."""
        if self._model is not None:
            return self._model
        import torch
        import transformers

        if self.quiet:
            transformers.utils.logging.disable_progress_bar()
        transformers.utils.logging.set_verbosity_error()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                self._tokenizer = transformers.AutoTokenizer.from_pretrained(self.path)
                model = transformers.AutoModelForSeq2SeqLM.from_pretrained(self.path)
            except Exception as exc:
                raise ModelUnavailable(
                    f"model {self.name!r} ({self.path}) could not be "
                    f"loaded: {str(exc).splitlines()[0] if str(exc) else exc}"
                ) from None
        self.device = device_of(self.wanted_device)
        if self.device.type == "cuda":
            model = model.to(torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16)
        known = MODELS.get(self.name)
        self.forced_bos = None
        if known and known.flores:
            src, tgt = (LANGUAGES[lang][1] for lang in (self.options.src, self.options.tgt))
            self._tokenizer.src_lang = src
            self.forced_bos = self._tokenizer.convert_tokens_to_ids(tgt)
        # Learned or sinusoidal positions bound input and output; T5's relative ones do not.
        self.max_positions = getattr(model.config, "max_position_embeddings", None) or 10**9
        self._max_input = int(min(self._tokenizer.model_max_length, self.max_positions, 1024))
        self._model = model.to(self.device).eval()
        return self._model

    @property
    def model(self):
        return self._ready()

    @property
    def tokenizer(self):
        self._ready()
        return self._tokenizer

    @property
    def max_input(self) -> int:
        self._ready()
        return self._max_input

    def encode(self, text: str) -> list[int]:
        """Token ids of one input, prompt included, without truncation."""
        return self.tokenizer(self.prompt.replace("{text}", text)).input_ids

    def generate(
        self,
        inputs: Sequence[list[int]],
        max_new_tokens: int | None = None,
        min_new_tokens: int = 0,
        what: str = "generating",
    ) -> list[str]:
        """Decode each input greedily. Longest first, `batch_size` at a time, each batch
        padded to its own longest; `max_new_tokens` None means 1.5x the input + 10.
        The output of an input is the same in any batch (up to float rounding)."""
        import torch

        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]), reverse=True)
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        out: list[str] = [""] * len(inputs)
        shown = progress.bar(what, len(inputs), " texts")
        pad = self.tokenizer.pad_token_id
        with torch.inference_mode():
            for batch in batches:
                longest = len(inputs[batch[0]])
                ids = torch.full((len(batch), longest), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), longest), dtype=torch.long)
                for row, i in enumerate(batch):
                    ids[row, : len(inputs[i])] = torch.tensor(inputs[i])
                    mask[row, : len(inputs[i])] = 1
                # Each input's own limit, so that its output never depends on its batch:
                # generate to the batch's largest, then cut (greedy decoding is causal).
                limits = [
                    min(max_new_tokens or int(1.5 * len(inputs[i])) + 10, self.max_positions - 1)
                    for i in batch
                ]
                ids, mask = ids.to(self.device), mask.to(self.device)
                generated = self.model.generate(
                    encoder_outputs=self._encode(ids, mask),
                    attention_mask=mask,
                    max_new_tokens=max(limits),
                    min_new_tokens=min(min_new_tokens, *limits),
                    do_sample=False,
                    num_beams=1,
                    forced_bos_token_id=self.forced_bos,
                )
                # (Models with a forced EOS, like Marian, end on it at their limit.)
                keep = 0 if self.model.generation_config.forced_eos_token_id is None else 1
                rows = [
                    row[: 1 + limit - keep].tolist()
                    for row, limit in zip(generated, limits, strict=True)
                ]
                texts = self.tokenizer.batch_decode(rows, skip_special_tokens=True)
                for i, text in zip(batch, texts, strict=True):
                    out[i] = " ".join(text.split())
                shown.update(len(batch))
        shown.close()
        return out

    def _encode(self, ids, mask):
        """Encoder states of a padded batch. On the CPU one input at a time, unpadded:
        there that is faster than one padded batch (0.62 s against 0.82 s an article for
        T5-base on 2 cores); decoding, where batches pay, still runs batched."""
        from transformers.modeling_outputs import BaseModelOutput

        encoder = self.model.get_encoder()
        if self.device.type != "cpu":
            return encoder(input_ids=ids, attention_mask=mask)
        rows = []
        for row in range(len(ids)):
            n = int(mask[row].sum())
            rows.append(encoder(input_ids=ids[row : row + 1, :n]).last_hidden_state[0])
        states = rows[0].new_zeros((len(rows), ids.shape[1], rows[0].shape[-1]))
        for row, state in enumerate(rows):
            states[row, : len(state)] = state
        return BaseModelOutput(last_hidden_state=states)


class HFSummarizer:
    """Abstractive summaries; a story longer than the model's input is summarized in
    parts that fit, and the parts' summaries are summarized again (map-reduce)."""

    takes_model = True  # named hf:MODEL

    def __init__(self, options: Options):
        self.name = f"hf:{options.model}"
        self.engine = Seq2Seq(str(options.model), "summarize", options)
        self.settings = self.engine.prompt  # what else, beside the name, shapes the output

    def chunks(self, text: str) -> list[list[int]]:
        """The text, encoded, in pieces of whole sentences that each fit the model's input
        (a single sentence too long for it is cut at the limit)."""
        engine = self.engine
        room = engine.max_input - len(engine.encode(""))
        pieces: list[list[str]] = [[]]
        used = 0
        for paragraph in text.split("\n"):
            for sentence in sentences(paragraph):
                n = len(engine.tokenizer(sentence, add_special_tokens=False).input_ids)
                if pieces[-1] and used + n > room:
                    pieces.append([])
                    used = 0
                pieces[-1].append(sentence)
                used += n
        encoded = [engine.encode(" ".join(p)) for p in pieces]
        limit = engine.max_input
        return [e[: limit - 1] + e[-1:] if len(e) > limit else e for e in encoded]

    @staticmethod
    def budget(tokens: int, text_words: int, words: int) -> int:
        """New tokens for a summary of `words` words, at the input's tokens per word."""
        return math.ceil(words * max(1.0, tokens / max(1, text_words)) * 1.2) + 8

    def summarize(self, stories: Sequence[Story], words: int) -> list[str]:
        texts = ["\n".join(a.text for a in s.articles) for s in stories]
        todo = {i: self.chunks(t) for i, t in enumerate(texts)}
        budget = self.budget(
            sum(len(p) for parts in todo.values() for p in parts),
            sum(len(t.split()) for t in texts),
            words,
        )
        long = [len(parts) for parts in todo.values() if len(parts) > 1]
        if long:
            log.info(
                "%d of %d stories are longer than the model's %d-token input: each is "
                "summarized in parts (up to %d), then the parts' summaries together",
                len(long),
                len(stories),
                self.engine.max_input,
                max(long),
            )
        done: dict[int, str] = {}
        while todo:
            flat = [(i, p) for i, parts in todo.items() for p in parts]
            outputs = self.engine.generate([p for _, p in flat], budget, what="summarizing")
            merged: dict[int, list[str]] = {}
            for (i, _), text in zip(flat, outputs, strict=True):
                merged.setdefault(i, []).append(text)
            todo = {}
            for i, parts in merged.items():
                if len(parts) == 1:
                    done[i] = first_sentences(sentences(parts[0]), words)
                else:  # reduce: summarize the parts' summaries together
                    todo[i] = self.chunks("\n".join(parts))
                    if len(todo[i]) >= len(parts):  # no progress: keep what fits
                        done[i] = first_sentences(sentences(" ".join(parts)), words)
                        del todo[i]
        return [done[i] for i in range(len(stories))]


class HFTranslator:
    """Neural translation of sentences (the pipeline splits and reassembles the text)."""

    takes_model = True  # named hf:MODEL

    def __init__(self, options: Options):
        self.name = f"hf:{options.model}"
        self.engine = Seq2Seq(str(options.model), "translate", options)
        self.direction = f"{options.src}-{options.tgt}"  # pt-en: figures checked, as for any
        self.settings = f"{self.direction} {self.engine.prompt}"

    def translate(self, texts: Sequence[str]) -> list[str]:
        limit = self.engine.max_input
        inputs = [self.engine.encode(t)[:limit] for t in texts]
        out = self.engine.generate(inputs, what="translating")
        return [o if t.strip() else t for o, t in zip(out, texts, strict=True)]
