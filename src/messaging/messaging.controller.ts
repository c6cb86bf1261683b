import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ListChatsDto } from './dto/list-chats.dto.js';
import { ReadMessagesDto } from './dto/read-messages.dto.js';
import { SendMessageDto } from './dto/send-message.dto.js';
import { MessagingService } from './messaging.service.js';

@Controller('api')
export class MessagingController {
  constructor(private readonly messaging: MessagingService) {}

  @Post('send')
  @HttpCode(200)
  send(@Body() dto: SendMessageDto) {
    return this.messaging.send(dto.phone_number, dto.message);
  }

  @Get('chats')
  listChats(@Query() dto: ListChatsDto) {
    return this.messaging.listChats(dto.limit);
  }

  @Get('messages')
  readMessagesByQuery(@Query() dto: ReadMessagesDto) {
    return this.messaging.readMessages(dto.phone_number, dto.limit);
  }

  @Post('messages')
  @HttpCode(200)
  readMessages(@Body() dto: ReadMessagesDto) {
    return this.messaging.readMessages(dto.phone_number, dto.limit);
  }
}
