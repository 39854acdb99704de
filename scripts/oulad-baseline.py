#!/usr/bin/env python3
"""
The outside baseline of docs/oulad.md: a plain logistic regression on per-activity-type click
counts, computed from the OULAD files alone (no Trellis code, no database), with numpy.

  python3 scripts/oulad-baseline.py /work/shared/data/oulad-ddd [--day 56] [--train 2013B,2013J] [--test 2014B,2014J] [--log]

For each enrolment still registered at the given day of its presentation: the clicks of each
activity type before that day (all of them, from before the start on), and whether it did not
complete (withdrew after the day, or failed). Withdrawn enrolments without an unregistration date
are left out (Trellis cannot place their withdrawal in time either). Fitted on the training
presentations (features standardised on them, a small ridge so that it converges), judged by AUC
on each test presentation, which the fit never saw. Prints one line per test presentation.
"""
import argparse
import csv
import gzip
import os
from collections import defaultdict

import numpy as np


def rows(folder, name):
    with gzip.open(os.path.join(folder, name), 'rt', newline='') as f:
        reader = csv.reader(f)
        next(reader)
        for r in reader:
            yield r


def auc(scores, y):
    """P(score of a positive > score of a negative), ties one half (midranks)."""
    order = np.argsort(scores, kind='mergesort')
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        ranks[i:j] = (i + 1 + j) / 2
        i = j
    r = np.empty(len(s))
    r[order] = ranks
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return (r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def fit(x, y, ridge=1e-3, iterations=50):
    n, k = x.shape
    z = np.hstack([np.ones((n, 1)), x])
    beta = np.zeros(k + 1)
    beta[0] = np.log(y.mean() / (1 - y.mean()))
    penalty = np.eye(k + 1) * ridge * n
    penalty[0, 0] = 0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(z @ beta)))
        w = np.maximum(p * (1 - p), 1e-10)
        grad = z.T @ (y - p) - penalty @ beta
        hess = (z * w[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('folder')
    ap.add_argument('--day', type=int, default=56)
    ap.add_argument('--train', default='2013B,2013J')
    ap.add_argument('--test', default='2014B,2014J')
    ap.add_argument('--log', action='store_true', help='log(1 + clicks) instead of clicks')
    a = ap.parse_args()
    train, test = a.train.split(','), a.test.split(',')

    unregistered = {}
    for _, pres, student, _reg, unreg in rows(a.folder, 'studentRegistration.csv.gz'):
        unregistered[(pres, student)] = int(unreg) if unreg else None
    enrolments = {}
    for r in rows(a.folder, 'studentInfo.csv.gz'):
        pres, student, result = r[1], r[2], r[11]
        unreg = unregistered.get((pres, student))
        if result == 'Withdrawn' and unreg is None:
            continue
        if unreg is not None and unreg <= a.day:
            continue
        enrolments[(pres, student)] = 1 if result in ('Withdrawn', 'Fail') else 0
    site_type = {r[0]: r[3] for r in rows(a.folder, 'vle.csv.gz')}
    types = sorted(set(site_type.values()))
    index = {t: i for i, t in enumerate(types)}
    clicks = defaultdict(lambda: np.zeros(len(types)))
    for _, pres, student, site, date, n in rows(a.folder, 'studentVle.csv.gz'):
        if int(date) < a.day and (pres, student) in enrolments:
            clicks[(pres, student)][index[site_type[site]]] += int(n)

    def data(presentations):
        keys = [k for k in enrolments if k[0] in presentations]
        x = np.array([clicks[k] if k in clicks else np.zeros(len(types)) for k in keys])
        y = np.array([enrolments[k] for k in keys], dtype=float)
        return keys, (np.log1p(x) if a.log else x), y

    _, x, y = data(train)
    mean, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1
    beta = fit((x - mean) / sd, y)
    print(f'trained on {"+".join(train)} at day {a.day}: {len(y)} enrolments, {int(y.sum())} did not complete; {len(types)} activity types{", log(1 + clicks)" if a.log else ""}')
    for p in test:
        _, xt, yt = data([p])
        eta = beta[0] + ((xt - mean) / sd) @ beta[1:]
        print(f'{p} day {a.day}: {len(yt)} enrolments, {int(yt.sum())} did not complete, AUC of the logistic regression on per-type clicks {auc(eta, yt):.3f}')


if __name__ == '__main__':
    main()
