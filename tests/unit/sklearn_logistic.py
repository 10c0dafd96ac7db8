# An independent logistic regression for test_linear_probe: reads DIR/{xtr,ytr,xte,yte}.npy,
# fits scikit-learn's LogisticRegression (lbfgs, L2, C=1) on standardized features and
# prints the test accuracy.
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

d = sys.argv[1]
xtr, ytr = np.load(f"{d}/xtr.npy"), np.load(f"{d}/ytr.npy")
xte, yte = np.load(f"{d}/xte.npy"), np.load(f"{d}/yte.npy")
scaler = StandardScaler().fit(xtr)
model = LogisticRegression(max_iter=2000).fit(scaler.transform(xtr), ytr)
print(f"{model.score(scaler.transform(xte), yte):.6f}")
