"""
Greedy convolutional network on the digits, block by block
==========================================================

:class:`~sklearn_greedy.GreedyConvClassifier` grows a convolutional network one
block at a time, as Belilovsky, Eickenberg & Oyallon (2019) do on ImageNet: stage
``k`` trains block ``k`` on the frozen output of the blocks below it, through an
auxiliary head of its own (average pooling and a linear classifier). The head of
each depth is kept, so one fit gives the test accuracy of the network cut after
every block, the depth curve below.

scikit-learn's digits come as flat rows of 64 pixels; ``input_shape=(8, 8, 1)``
says that a row is an 8x8 image of one channel, so the classifier sits in a
:class:`~sklearn.pipeline.Pipeline` after a scaler like any other estimator. The
same architecture trained end to end (``mode="end_to_end"``) and
:class:`~sklearn.neural_network.MLPClassifier` are the baselines.
``benchmarks/conv.py`` measures the same on MNIST-1D and digits over five seeds.
"""

# %%
import time

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_greedy import GreedyConvClassifier
from sklearn_greedy.plot import DepthCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

# %%
# Three blocks at the defaults: each a convolution of kernel 3 and stride 2, so
# the 8x8 images become 4x4, 2x2 and 1x1 maps, each block trained with its own
# head and then frozen.
models = {
    "greedy (frozen blocks)": GreedyConvClassifier(input_shape=(8, 8, 1), random_state=0),
    "same network, end to end": GreedyConvClassifier(
        input_shape=(8, 8, 1), mode="end_to_end", random_state=0
    ),
    "MLPClassifier((100, 100))": MLPClassifier((100, 100), max_iter=500, random_state=0),
}
pipelines = {}
for name, model in models.items():
    start = time.perf_counter()
    pipelines[name] = make_pipeline(StandardScaler(), model).fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(
        f"{name:27s} test accuracy {pipelines[name].score(X_test, y_test):.3f} ({seconds:.1f} s)"
    )

# %%
# The depth curve of the greedy network, train and test, read off its staged
# heads; the baselines as horizontal lines.
greedy = pipelines["greedy (frozen blocks)"]
display = DepthCurveDisplay.from_estimator(greedy, X_train, y_train, X_test=X_test, y_test=y_test)
for name, style in (("same network, end to end", "--"), ("MLPClassifier((100, 100))", ":")):
    display.ax_.axhline(
        pipelines[name].score(X_test, y_test), color="gray", linestyle=style, label=f"{name}, test"
    )
display.ax_.set_xlabel("Convolutional blocks")
display.ax_.legend()
plt.show()
