"""A tiny NumPy evaluator for the ONNX operators our exported graphs use.

onnxruntime is not available to Python on the build machine, so export.py runs each exported
graph with this independent reference implementation and compares the logits with PyTorch.
Unknown operators raise, so a graph that uses something else is noticed.
"""
import numpy as np
import onnx
from onnx import numpy_helper

try:
    from math import erf as _erf
except ImportError:  # pragma: no cover
    _erf = None

_np_erf = np.vectorize(_erf, otypes=[np.float64])


def _attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def _erf_array(x):
    # float32 erf via float64 (vectorised math.erf); only used in GELU
    return _np_erf(x.astype(np.float64)).astype(x.dtype)


def run(model, feeds):
    env = {}
    for init in model.graph.initializer:
        env[init.name] = numpy_helper.to_array(init)
    env.update(feeds)
    used = set()
    for node in model.graph.node:
        op = node.op_type
        used.add(op)
        x = [env[i] if i else None for i in node.input]
        if op == "Constant":
            out = numpy_helper.to_array(_attr(node, "value"))
        elif op == "Identity":
            out = x[0]
        elif op == "Shape":
            out = np.array(x[0].shape, dtype=np.int64)
        elif op == "Gather":
            out = np.take(x[0], x[1], axis=_attr(node, "axis", 0))
        elif op == "Unsqueeze":
            out = x[0]
            for ax in sorted(int(a) % (out.ndim + len(x[1])) for a in x[1]):
                out = np.expand_dims(out, ax)
        elif op == "Squeeze":
            out = np.squeeze(x[0], axis=tuple(int(a) for a in x[1])) if len(x) > 1 and x[1] is not None \
                else np.squeeze(x[0])
        elif op == "Concat":
            out = np.concatenate(x, axis=_attr(node, "axis"))
        elif op == "Reshape":
            shape = [int(s) for s in x[1]]
            shape = [x[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            out = x[0].reshape(shape)
        elif op == "Range":
            out = np.arange(x[0], x[1], x[2]).astype(x[0].dtype)
        elif op == "Slice":
            starts, ends = x[1], x[2]
            axes = x[3] if len(x) > 3 and x[3] is not None else np.arange(len(starts))
            steps = x[4] if len(x) > 4 and x[4] is not None else np.ones(len(starts), dtype=np.int64)
            sl = [slice(None)] * x[0].ndim
            for s, e, a, st in zip(starts, ends, axes, steps):
                n = x[0].shape[a]
                s, e = int(max(min(s, n), -n)), int(max(min(e, n), -n - 1))
                sl[int(a)] = slice(s, e, int(st))
            out = x[0][tuple(sl)]
        elif op == "Cast":
            to = _attr(node, "to")
            out = x[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[to])
        elif op == "ConstantOfShape":
            v = _attr(node, "value")
            v = numpy_helper.to_array(v) if v is not None else np.zeros(1, np.float32)
            out = np.full(tuple(int(s) for s in x[0]), v.reshape(-1)[0], dtype=v.dtype)
        elif op == "Expand":
            out = x[0] * np.ones(tuple(int(s) for s in x[1]), dtype=x[0].dtype)
        elif op == "Where":
            out = np.where(x[0], x[1], x[2])
        elif op == "Equal":
            out = np.equal(x[0], x[1])
        elif op == "Less":
            out = np.less(x[0], x[1])
        elif op == "Greater":
            out = np.greater(x[0], x[1])
        elif op == "Or":
            out = np.logical_or(x[0], x[1])
        elif op == "And":
            out = np.logical_and(x[0], x[1])
        elif op == "Not":
            out = np.logical_not(x[0])
        elif op == "CumSum":
            axis = int(np.asarray(x[1]).reshape(-1)[0])
            assert not _attr(node, "exclusive", 0) and not _attr(node, "reverse", 0)
            out = np.cumsum(x[0], axis=axis, dtype=x[0].dtype)
        elif op == "Add":
            out = x[0] + x[1]
        elif op == "Sub":
            out = x[0] - x[1]
        elif op == "Mul":
            out = x[0] * x[1]
        elif op == "Div":
            out = x[0] / x[1] if x[0].dtype.kind == "f" else x[0] // x[1]
        elif op == "Pow":
            out = np.power(x[0], x[1]).astype(x[0].dtype)
        elif op == "Sqrt":
            out = np.sqrt(x[0])
        elif op == "Erf":
            out = _erf_array(x[0])
        elif op == "Tanh":
            out = np.tanh(x[0])
        elif op == "Max":
            out = x[0]
            for y in x[1:]:
                out = np.maximum(out, y)
        elif op == "Min":
            out = x[0]
            for y in x[1:]:
                out = np.minimum(out, y)
        elif op == "Clip":
            lo = x[1] if len(x) > 1 and x[1] is not None else None
            hi = x[2] if len(x) > 2 and x[2] is not None else None
            out = np.clip(x[0], lo, hi)
        elif op == "ReduceMean":
            axes = tuple(_attr(node, "axes"))
            out = np.mean(x[0], axis=axes, keepdims=bool(_attr(node, "keepdims", 1))).astype(x[0].dtype)
        elif op == "MatMul":
            out = np.matmul(x[0], x[1])
        elif op == "Gemm":
            a, b = x[0], x[1]
            if _attr(node, "transA", 0):
                a = a.T
            if _attr(node, "transB", 0):
                b = b.T
            out = _attr(node, "alpha", 1.0) * (a @ b)
            if len(x) > 2 and x[2] is not None:
                out = out + _attr(node, "beta", 1.0) * x[2]
            out = out.astype(np.float32)
        elif op == "Transpose":
            out = np.transpose(x[0], _attr(node, "perm"))
        elif op == "Softmax":
            axis = _attr(node, "axis", -1)
            m = np.max(x[0], axis=axis, keepdims=True)
            e = np.exp(x[0] - m)
            out = e / np.sum(e, axis=axis, keepdims=True)
        elif op == "Split":
            axis = _attr(node, "axis", 0)
            sizes = x[1] if len(x) > 1 and x[1] is not None else None
            if sizes is None:
                out = np.split(x[0], len(node.output), axis=axis)
            else:
                out = np.split(x[0], np.cumsum(sizes)[:-1], axis=axis)
            for name, o in zip(node.output, out):
                env[name] = o
            continue
        else:
            raise NotImplementedError("ONNX op %s not supported by the reference evaluator" % op)
        env[node.output[0]] = out
    return [env[o.name] for o in model.graph.output], used
