"""Workload specs: their FLOP, byte and memory arithmetic, and what they refuse."""

import pytest

from dlenv.measure.workloads import CNN, MLP, Elementwise, Matmul, WorkloadError


def test_matmul_flops_follow_2mnk():
    assert Matmul(128, 256, 512).flops() == 2 * 128 * 256 * 512
    assert Matmul.square(1024).flops() == 2 * 1024**3


def test_matmul_bytes_and_memory_scale_with_dtype():
    f32, bf16 = Matmul.square(1000, "float32"), Matmul.square(1000, "bfloat16")
    assert f32.bytes_moved() == 3 * 1000 * 1000 * 4  # read A, B, write C
    assert bf16.bytes_moved() == f32.bytes_moved() / 2
    assert f32.memory_bytes() == 4 * 1000 * 1000 * 4


def test_matmul_largest_fitting_size_really_fits():
    spec = Matmul.square(1, "float32")
    n = spec.largest_square_fitting(2**30)
    assert Matmul.square(n).memory_bytes() <= 2**30 < Matmul.square(n + 1).memory_bytes()


def test_elementwise_is_one_flop_per_element_and_three_transfers():
    spec = Elementwise(512, "multiply", "float16")
    assert spec.flops() == 512 * 512
    assert spec.bytes_moved() == 3 * 512 * 512 * 2


def test_mlp_forward_flops_are_2_in_out_per_layer_and_sample():
    spec = MLP(depth=2, width=100, batch=8, input_dim=50, classes=10)
    per_sample = 2 * (50 * 100 + 100 * 100 + 100 * 10)
    assert spec.forward_flops_per_sample() == per_sample
    assert spec.flops() == 8 * per_sample
    assert spec.parameter_count() == (50 * 100 + 100) + (100 * 100 + 100) + (100 * 10 + 10)


def test_training_step_counts_three_forward_passes():
    inference = MLP(depth=3, width=64, batch=16)
    train = MLP(depth=3, width=64, batch=16, mode="train")
    assert train.flops() == 3 * inference.flops()
    assert train.memory_bytes() > inference.memory_bytes()


def test_cnn_flops_are_an_implicit_gemm_per_conv_layer():
    spec = CNN(depth=2, filters=8, batch=4, image=16, channels=3, kernel=3, classes=10)
    pixels = 16 * 16
    conv1 = 2 * pixels * (3 * 3 * 3) * 8
    conv2 = 2 * pixels * (3 * 3 * 8) * 8
    head = 2 * 8 * 10
    assert spec.forward_flops_per_sample() == conv1 + conv2 + head
    assert spec.parameter_count() == (27 * 8 + 8) + (72 * 8 + 8) + (8 * 10 + 10)


def test_params_record_the_shape_but_not_the_dtype():
    assert Matmul(2, 3, 4, "bfloat16").params() == {"m": 2, "n": 3, "k": 4}
    assert MLP(depth=1).params()["depth"] == 1


@pytest.mark.parametrize("make, message", [
    (lambda: Matmul.square(0), "m must be from 1 to 65536, got 0"),
    (lambda: Matmul.square(-5), "got -5"),
    (lambda: Matmul(10, 10, 100000), "k must be from 1 to 65536"),
    (lambda: Matmul.square(256, "int8"), "dtype must be one of float32, float16, bfloat16, float64"),
    (lambda: Matmul.square(2.5), "whole number"),
    (lambda: Matmul.square(True), "whole number"),
    (lambda: Elementwise(64, "divide"), "op must be one of add, multiply"),
    (lambda: MLP(depth=0), "depth must be from 1 to 64"),
    (lambda: MLP(mode="eval"), "mode must be one of inference, train"),
    (lambda: CNN(image=2), "image must be from 4 to 1024"),
    (lambda: CNN(filters=5000), "filters must be from 1 to 2048"),
])
def test_bad_parameters_are_refused_with_the_allowed_range(make, message):
    with pytest.raises(WorkloadError, match=message):
        make()


def test_specs_are_frozen():
    spec = Matmul.square(64)
    with pytest.raises(AttributeError):
        spec.m = 128  # type: ignore[misc]
