package convert

// seenIDs remembers which loan ids a report has had, and the row that
// first had each, in about 12 bytes per id: an open-addressing table of
// 64-bit FNV-1a hashes (never the ids themselves), so a million-row
// report costs ~24 MiB at most. Two different ids with the same 64-bit
// hash would be reported as a duplicate; at a million ids the chance is
// about 3 in 10^8, and the message names the first row, so a person sees it.
type seenIDs struct {
	keys []uint64 // 0 = empty slot
	rows []uint32
	n    int
}

// reserve sizes the table for about n ids at once, so a large report does
// not hold two tables while growing.
func (s *seenIDs) reserve(n int) {
	size := 1024
	for size*3/4 < n && size < 1<<26 {
		size *= 2
	}
	if size > len(s.keys) {
		s.keys, s.rows, s.n = make([]uint64, size), make([]uint32, size), 0
	}
}

// first records id at row and returns the row that had it first, if any.
func (s *seenIDs) first(id string, row int) (int, bool) {
	if s.n >= len(s.keys)*3/4 {
		s.grow()
	}
	h := hashID(id)
	mask := uint64(len(s.keys) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.keys[i] {
		case 0:
			s.keys[i], s.rows[i] = h, uint32(row)
			s.n++
			return 0, false
		case h:
			return int(s.rows[i]), true
		}
	}
}

func (s *seenIDs) grow() {
	size := 1024
	if len(s.keys) > 0 {
		size = len(s.keys) * 2
	}
	old := *s
	s.keys, s.rows, s.n = make([]uint64, size), make([]uint32, size), 0
	mask := uint64(size - 1)
	for j, h := range old.keys {
		if h == 0 {
			continue
		}
		i := h & mask
		for s.keys[i] != 0 {
			i = (i + 1) & mask
		}
		s.keys[i], s.rows[i] = h, old.rows[j]
		s.n++
	}
}

// hashID is FNV-1a 64 with 0 remapped (0 marks an empty slot).
func hashID(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	if h == 0 {
		h = 1
	}
	return h
}
