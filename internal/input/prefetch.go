package input

// Prefetch reads rows on a goroutine of its own, a block at a time, so the
// caller converts rows on one core while the file is decoded on another.
// Row order, positions and errors are those of rs. The returned Rows owns
// rs: its Close stops the goroutine and closes rs.
func Prefetch(rs Rows) Rows {
	p := &prefetched{
		src:   rs,
		full:  make(chan []Row, 4),
		empty: make(chan []Row, 5),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	for i := 0; i < 5; i++ {
		p.empty <- nil
	}
	go p.fill()
	return p
}

// prefetchBlock is how many rows travel together: enough to make the
// channel hand-over cheap per row, small enough to keep memory flat.
const prefetchBlock = 256

type prefetched struct {
	src         Rows
	full, empty chan []Row
	stop, done  chan struct{}
	err         error // set by fill before it closes full
	block       []Row
	i           int
	ended       bool // Next returned false
	closed      bool
}

// fill runs on its own goroutine: it copies rows (their Cells slices are
// reused by src) into blocks and hands them over in order.
func (p *prefetched) fill() {
	defer close(p.done)
	defer close(p.full)
	for {
		var block []Row
		select {
		case block = <-p.empty:
		case <-p.stop:
			return
		}
		block = block[:0]
		for len(block) < prefetchBlock && p.src.Next() {
			r := p.src.Row()
			var cp Row
			if len(block) < cap(block) {
				cp = block[:len(block)+1][len(block)] // reuse the old row's Cells
			}
			cells := append(cp.Cells[:0], r.Cells...)
			cp = *r
			cp.Cells = cells
			block = append(block, cp)
		}
		if len(block) == 0 {
			p.err = p.src.Err()
			return
		}
		select {
		case p.full <- block:
		case <-p.stop:
			return
		}
	}
}

func (p *prefetched) Next() bool {
	p.i++
	if p.i < len(p.block) {
		return true
	}
	if p.block != nil {
		p.empty <- p.block
		p.block = nil
	}
	block, ok := <-p.full
	if !ok {
		p.ended = true
		return false
	}
	p.block, p.i = block, 0
	return true
}

func (p *prefetched) Row() *Row { return &p.block[p.i] }

// Err is the error that ended the rows, once Next has returned false.
func (p *prefetched) Err() error {
	if !p.ended {
		return nil
	}
	<-p.done
	return p.err
}

func (p *prefetched) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	close(p.stop)
	<-p.done
	return p.src.Close()
}
