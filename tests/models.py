"""Small seq2seq models built from scratch: random weights, a SentencePiece vocabulary
trained on the given text, saved with save_pretrained like a model from the hub.

The tests use tiny ones; bench/hf_batching.py a T5-base-sized one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path


def _vocabulary(folder: Path, text: str, size: int) -> Path:
    """A unigram SentencePiece model with T5's ids: pad 0, eos 1, unk 2."""
    import sentencepiece as spm

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.txt"
    corpus.write_text(text, encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(folder / "sp"),
        vocab_size=size,
        model_type="unigram",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        character_coverage=1.0,
        minloglevel=2,
        hard_vocab_limit=False,
    )
    corpus.unlink()
    return folder / "sp.model"


def build_t5(
    folder: Path, text: str, vocab: int = 800, max_length: int = 128, seed: int = 0, **config
) -> Path:
    """A T5 model folder (config, weights, spiece.model) that AutoModel* can load."""
    import torch
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    spm_model = _vocabulary(folder / "vocab", text, vocab)
    shutil.copy(spm_model, folder / "spiece.model")
    (folder / "tokenizer_config.json").write_text(
        json.dumps(
            {"tokenizer_class": "T5Tokenizer", "extra_ids": 0, "model_max_length": max_length}
        )
    )
    tokenizer = AutoTokenizer.from_pretrained(folder)
    shutil.rmtree(folder / "vocab")
    options = dict(d_model=32, d_ff=64, num_layers=2, num_heads=2, d_kv=16) | config
    torch.manual_seed(seed)
    model = T5ForConditionalGeneration(
        T5Config(
            vocab_size=len(tokenizer),
            decoder_start_token_id=0,
            pad_token_id=0,
            eos_token_id=1,
            **options,
        )
    )
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_marian(
    folder: Path, text: str, vocab: int = 800, max_length: int = 128, seed: int = 0, **config
) -> Path:
    """A MarianMT model folder (config, weights, source/target.spm, vocab.json)."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    spm_model = _vocabulary(folder / "vocab", text, vocab)
    pieces = spm.SentencePieceProcessor(model_file=str(spm_model))
    ids = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    ids |= {pieces.id_to_piece(i): i for i in range(3, pieces.get_piece_size())}
    (folder / "vocab.json").write_text(json.dumps(ids, ensure_ascii=False))
    for name in ("source.spm", "target.spm"):
        shutil.copy(spm_model, folder / name)
    shutil.rmtree(folder / "vocab")
    tokenizer = MarianTokenizer(
        str(folder / "source.spm"),
        str(folder / "target.spm"),
        str(folder / "vocab.json"),
        model_max_length=max_length,
    )
    torch.manual_seed(seed)
    options = (
        dict(
            d_model=32,
            encoder_layers=2,
            decoder_layers=2,
            encoder_attention_heads=2,
            decoder_attention_heads=2,
            encoder_ffn_dim=64,
            decoder_ffn_dim=64,
        )
        | config
    )
    model = MarianMTModel(
        MarianConfig(
            vocab_size=len(ids),
            max_position_embeddings=max_length,
            pad_token_id=0,
            eos_token_id=1,
            decoder_start_token_id=0,
            forced_eos_token_id=1,
            **options,
        )
    )
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
