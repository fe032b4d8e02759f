//! Any bytes given to the import readers must give records or Chinese
//! problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = office::import::read_lenient(data, true);
    let _ = office::import::read_stats(data);
});
