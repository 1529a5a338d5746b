//! Sorting by version without the standard library's panics. `slice::sort_by` may panic when
//! the comparison is not a total order, and Maven's `ComparableVersion` is not one (see
//! [`crate::schemes::MavenVersion`]); advisories are untrusted input, so every sort of versions
//! in this crate goes through this merge sort, which never panics and is stable.

use std::cmp::Ordering;

use crate::Version;

fn merge_sort(idx: &mut Vec<usize>, cmp: &dyn Fn(usize, usize) -> Ordering) {
    if idx.len() <= 1 {
        return;
    }
    let mut right = idx.split_off(idx.len() / 2);
    merge_sort(idx, cmp);
    merge_sort(&mut right, cmp);
    let left = std::mem::take(idx);
    idx.reserve(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    loop {
        let take_right = match (l.peek(), r.peek()) {
            (Some(&a), Some(&b)) => cmp(a, b) == Ordering::Greater,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right { r.next() } else { l.next() };
        idx.extend(next);
    }
}

/// Sorts `items` stably by `cmp`, never panicking whatever `cmp` answers.
pub(crate) fn sort_by<T>(items: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let mut idx: Vec<usize> = (0..items.len()).collect();
    merge_sort(&mut idx, &|a, b| match (items.get(a), items.get(b)) {
        (Some(x), Some(y)) => cmp(x, y),
        _ => Ordering::Equal,
    });
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    for i in idx {
        if let Some(item) = slots.get_mut(i).and_then(Option::take) {
            items.push(item);
        }
    }
}

/// Sorts items by a version they hold (versions of different schemes count as equal). Stable,
/// and unlike `sort_by` it cannot panic on Maven's non-transitive order.
pub fn sort_by_version<T>(items: &mut Vec<T>, key: impl Fn(&T) -> &Version) {
    sort_by(items, |a, b| {
        key(a).cmp_same_scheme(key(b)).unwrap_or(Ordering::Equal)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_and_survives_inconsistent_orders() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, vec![(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        // A comparison that is not an order at all: no panic, nothing lost.
        let mut w: Vec<u32> = (0..200).collect();
        sort_by(&mut w, |a, b| {
            if (a ^ b) % 3 == 0 {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        });
        w.sort_unstable();
        assert_eq!(w, (0..200).collect::<Vec<_>>());
    }
}
