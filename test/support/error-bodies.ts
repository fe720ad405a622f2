/** Text of PostgreSQL (its errors, keys and ranges, UTC offsets) that an error body must never carry. */
export const DATABASE_TEXT = /Key \(|violates|constraint "|tstzrange|invalid input syntax|for type \w+|duplicate key|\+00"|QueryFailed|driverError|database error/;
