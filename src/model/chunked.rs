//! A growable array in fixed-size chunks: growing never moves what is there,
//! so a list of half a million tree nodes grows without a pause to copy it
//! and without a doubling of its memory at once.

use std::ops::{Index, IndexMut};

use super::memory::allocation;

/// Items per chunk.
const CHUNK: usize = 4096;

/// The array.
#[derive(Debug)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    /// How many items there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Add an item at the end.
    pub fn push(&mut self, item: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(last) = self.chunks.last_mut() {
            last.push(item);
        }
        self.len += 1;
    }

    /// An item, if there.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    /// An item to change, if there.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.chunks.get_mut(index / CHUNK)?.get_mut(index % CHUNK)
    }

    /// Every item, in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    /// The heap bytes it holds (its chunks, full size, and their list).
    pub fn held_bytes(&self) -> usize {
        self.chunks.len() * allocation(CHUNK * size_of::<T>())
            + allocation(self.chunks.capacity() * size_of::<Vec<T>>())
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, index: usize) -> &T {
        &self.chunks[index / CHUNK][index % CHUNK]
    }
}

impl<T> IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        &mut self.chunks[index / CHUNK][index % CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_their_place_across_chunks() {
        let mut array = Chunked::default();
        for i in 0..(3 * CHUNK + 5) {
            array.push(i);
        }
        assert_eq!(array.len(), 3 * CHUNK + 5);
        assert_eq!(array[CHUNK], CHUNK);
        array[2 * CHUNK + 1] = 7;
        assert_eq!(array.get(2 * CHUNK + 1), Some(&7));
        assert_eq!(array.get(3 * CHUNK + 5), None);
        assert_eq!(array.iter().count(), 3 * CHUNK + 5);
        assert!(array.held_bytes() >= 4 * CHUNK * size_of::<usize>());
    }
}
