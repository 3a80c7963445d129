package dev.lossless.kafka.producer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import dev.lossless.kafka.producer.JournalEntryCodec.CorruptFrameException;

/**
 * Reads the frames of one segment file one after the other, checking each header before
 * its payload is read: the one walk over frames that the recovery, the read cursor and
 * the removal of a {@link SendJournal} share.
 *
 * @author Lossless Kafka team
 */
final class JournalFrameReader {

	private final FileChannel channel;

	private final long limit;

	private final ByteBuffer header = ByteBuffer.allocate(JournalEntryCodec.FRAME_HEADER_BYTES);

	private long position;

	private int length = -1;

	/**
	 * Create an instance.
	 * @param channel the segment file, open for reading
	 * @param position the position of the first frame to read
	 * @param limit the position where the good frames end
	 */
	JournalFrameReader(FileChannel channel, long position, long limit) {
		this.channel = channel;
		this.position = position;
		this.limit = limit;
	}

	/**
	 * Return whether a frame is left before the limit.
	 * @return whether a frame is left
	 */
	boolean hasNext() {
		return this.position < this.limit;
	}

	/**
	 * Return the position of the current frame, or of the next one before
	 * {@link #readHeader()}.
	 * @return the position
	 */
	long position() {
		return this.position;
	}

	/**
	 * Read the header of the frame at the position and check that the frame ends before
	 * the limit.
	 * @return the bytes of the frame, header included
	 * @throws IOException if the file cannot be read
	 * @throws CorruptFrameException if the header cannot be the header of a frame
	 */
	int readHeader() throws IOException, CorruptFrameException {
		this.length = -1;
		if (this.limit - this.position < JournalEntryCodec.FRAME_HEADER_BYTES) {
			throw new CorruptFrameException("incomplete entry header");
		}
		readFully(this.header.clear(), this.position);
		int length = this.header.getInt(0);
		if (!JournalEntryCodec.isPlausibleLength(length)) {
			throw new CorruptFrameException("invalid entry length " + length);
		}
		if (this.position + JournalEntryCodec.FRAME_HEADER_BYTES + length > this.limit) {
			throw new CorruptFrameException("entry of " + length + " bytes runs past the end of the file");
		}
		this.length = length;
		return JournalEntryCodec.FRAME_HEADER_BYTES + length;
	}

	/**
	 * Read, check and decode the whole frame whose header was read.
	 * @return the entry
	 * @throws IOException if the file cannot be read
	 * @throws CorruptFrameException if the payload is not the one of the header
	 */
	JournalEntry.Stored entry() throws IOException, CorruptFrameException {
		ByteBuffer payload = ByteBuffer.allocate(checkedLength());
		readFully(payload, this.position + JournalEntryCodec.FRAME_HEADER_BYTES);
		return JournalEntryCodec.decode(this.header.getInt(4), payload.flip());
	}

	/**
	 * Read the sequence and time of journaling of the frame whose header was read,
	 * without reading (or checking) the rest of its payload.
	 * @return the prefix
	 * @throws IOException if the file cannot be read
	 */
	JournalEntryCodec.Prefix prefix() throws IOException {
		checkedLength();
		ByteBuffer prefix = ByteBuffer.allocate(JournalEntryCodec.PREFIX_BYTES);
		readFully(prefix, this.position);
		return JournalEntryCodec.readPrefix(prefix);
	}

	/**
	 * Move past the frame whose header was read.
	 */
	void skip() {
		this.position += JournalEntryCodec.FRAME_HEADER_BYTES + checkedLength();
		this.length = -1;
	}

	private int checkedLength() {
		if (this.length < 0) {
			throw new IllegalStateException("No frame header was read at position " + this.position);
		}
		return this.length;
	}

	private void readFully(ByteBuffer buffer, long position) throws IOException {
		long offset = position;
		while (buffer.hasRemaining()) {
			int read = this.channel.read(buffer, offset);
			if (read < 0) {
				throw new IOException("Unexpected end of file at position " + offset);
			}
			offset += read;
		}
	}

}
