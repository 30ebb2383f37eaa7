// Starts dynalite (node_modules/dynalite/cli.js, with the same arguments) with one fix its 4.0.0 package lacks.
//
// dynalite reads Query and Scan results through a stream whose destroy() closes the LevelDB iterator with
// iterator.return(). abstract-level's iterators have no return(): they close with close(). So dynalite never closed an
// iterator, and each one stayed attached to the database with the snapshot it holds. Measured on disk: ~10 KB of heap
// and ~30 KB of memory kept per Query; after a benchmark's reads dynalite held ~330 MB of live heap in 6 GB of memory,
// and its collector's full pauses (0.1-0.4 s, with the second core busy marking) stalled every read on the machine.
// Giving the iterators a return() that closes them is the whole fix (local-cloud/README.md, "dynalite").
'use strict'
const { AbstractIterator } = require('abstract-level')

// The common base of abstract-level's iterators (entries, keys and values)
const common = Object.getPrototypeOf(AbstractIterator.prototype)
if (typeof common.return !== 'function') {
  common.return = function () {
    return this.close()
  }
}
require('dynalite/cli.js')
